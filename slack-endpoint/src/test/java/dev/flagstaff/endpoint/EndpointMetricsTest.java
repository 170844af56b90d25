package dev.flagstaff.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class EndpointMetricsTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final EndpointMetrics metrics = new EndpointMetrics(registry, "slack_events_app_home_opened");

  double events(String type, String outcome) {
    return registry.get("flagstaff.slack.events").tag("type", type).tag("outcome", outcome).counter().count();
  }

  @Test
  void countsRequestsAndEventsThroughTheReusedCounters() {
    for (int i = 0; i < 1_000; i++) {
      metrics.request("ok");
      metrics.event("app_home_opened", i % 10 == 0 ? "duplicate" : "queued");
    }
    metrics.request("bad_signature");
    assertThat(registry.get("flagstaff.slack.requests").tag("outcome", "ok").counter().count()).isEqualTo(1_000);
    assertThat(registry.get("flagstaff.slack.requests").tag("outcome", "bad_signature").counter().count())
        .isEqualTo(1);
    assertThat(events("app_home_opened", "queued")).isEqualTo(900);
    assertThat(events("app_home_opened", "duplicate")).isEqualTo(100);
  }

  @Test
  void eventTypesFromRequestsComeFromAFixedSetAndAreNotKept() {
    for (int i = 0; i < 1_000; i++) {
      metrics.event("type_" + i, "ignored");
    }
    metrics.event("x".repeat(1 << 20), "ignored");
    metrics.event("Not Safe!", "ignored");
    metrics.event("message", "ignored");
    assertThat(events("other", "ignored")).isEqualTo(1_002);
    assertThat(events("message", "ignored")).isEqualTo(1);
    assertThat(registry.find("flagstaff.slack.events").counters()).hasSize(2);
  }

  @Test
  void retryReasonsAndSlackErrorCodesAreLabelledFromFixedSets() {
    metrics.retry("http_timeout");
    metrics.retry("anything_" + "y".repeat(100));
    metrics.publish("failed", "invalid_auth");
    metrics.publish("failed", "http_503");
    metrics.publish("failed", "made_up_code_42");
    assertThat(registry.get("flagstaff.slack.retries").tag("reason", "http_timeout").counter().count()).isEqualTo(1);
    assertThat(registry.get("flagstaff.slack.retries").tag("reason", "other").counter().count()).isEqualTo(1);
    assertThat(registry.get("flagstaff.slack.views.publish").tag("error", "invalid_auth").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("flagstaff.slack.views.publish").tag("error", "http_503").counter().count()).isEqualTo(1);
    assertThat(registry.get("flagstaff.slack.views.publish").tag("error", "other").counter().count()).isEqualTo(1);
  }
}
