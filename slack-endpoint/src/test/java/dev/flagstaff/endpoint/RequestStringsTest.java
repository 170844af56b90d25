package dev.flagstaff.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.testkit.SlackRequests;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings from signed requests (event types, payload types, retry reasons) never become metric series of their own:
 * hundreds of distinct large values leave /metrics the size it was, every one counted under "other".
 */
class RequestStringsTest {
  @TempDir Path tmp;
  @AutoClose
  EndpointFixture fx;

  @Test
  void distinctLargeTypesAreCountedAsOtherAndMetricsStaySmall() {
    fx = EndpointFixture.start(tmp, Map.of());
    fx.requests.send(SlackRequests.appHomeOpened("EvWarm", "T1", "U1", "messages", null)
        .replace("app_home_opened", "message"), SlackRequests.retryHeaders(1, "http_timeout"));
    fx.requests.send("{\"type\":\"first_unknown\"}");
    int before = fx.get("/metrics").body().length();

    String big = "x".repeat(64 * 1024);
    for (int i = 0; i < 100; i++) {
      String type = "t" + i + big;
      assertThat(fx.requests.send(SlackRequests.appHomeOpened("EvBig" + i, "T1", "U1", "home", null)
          .replace("app_home_opened", type), SlackRequests.retryHeaders(1, "reason_" + i)).statusCode())
          .isEqualTo(200);
      assertThat(fx.requests.send("{\"type\":\"" + type + "\"}").statusCode()).isEqualTo(200);
    }

    String metrics = fx.get("/metrics").body();
    assertThat(metrics.length()).isLessThan(before + 2_000);
    assertThat(metrics).doesNotContain("xxxxxxxx");
    assertThat(fx.count("flagstaff.slack.events", "type", "other", "outcome", "ignored")).isEqualTo(100);
    assertThat(fx.count("flagstaff.slack.events", "type", "other", "outcome", "unknown_type")).isEqualTo(101);
    assertThat(fx.count("flagstaff.slack.retries", "reason", "other")).isEqualTo(100);
  }
}
