package dev.flagstaff.endpoint.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.model.view.View;
import dev.flagstaff.endpoint.EndpointMetrics;
import dev.flagstaff.runtime.Secret;
import dev.flagstaff.testkit.SlackApiStub;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The publisher's retry queue is bounded: when it is full a failure is given up at once, counted and logged. */
class AppHomePublisherTest {
  final SlackApiStub stub = SlackApiStub.start();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    retries.shutdownNow();
    stub.close();
  }

  @Test
  void whenTheRetryQueueIsFullAFailureIsDroppedAndCountedAndTheCallerIsNotHeld() {
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(stub.baseUrl());
    AppHomePublisher publisher = new AppHomePublisher(Slack.getInstance(config), new Secret("xoxb-test"),
        new EndpointMetrics(registry, "flag"), 4, retries, 1);
    stub.script("views.publish", SlackApiStub.rateLimited(30), SlackApiStub.rateLimited(30));
    View view = View.builder().type("home").blocks(List.of()).build();

    publisher.publish("Ev1", "U1", view, null);
    publisher.publish("Ev2", "U2", view, null);

    assertThat(count("retried")).isEqualTo(1);
    assertThat(count("dropped")).isEqualTo(1);
    assertThat(publisher.pendingRetries()).isEqualTo(1);
    assertThat(stub.calls("views.publish")).hasSize(2);

    publisher.publish("Ev3", "U1", view, null);
    await().until(() -> count("superseded") == 1);
    assertThat(publisher.pendingRetries()).isZero();
    assertThat(stub.homeTab("U1")).isNotNull();
    assertThat(stub.homeTab("U2")).isNull();
  }

  private double count(String result) {
    return registry.find("flagstaff.slack.views.publish").tag("result", result).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}
