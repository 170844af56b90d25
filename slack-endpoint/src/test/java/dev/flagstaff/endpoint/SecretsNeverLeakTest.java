package dev.flagstaff.endpoint;

import static dev.flagstaff.endpoint.EndpointFixture.FLAG;
import static dev.flagstaff.endpoint.EndpointFixture.SECRET;
import static dev.flagstaff.endpoint.EndpointFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.OutputStreamAppender;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import dev.flagstaff.runtime.JsonLayout;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The bot token and the signing secret appear in no log line, metric, /flags answer, HTTP answer or error. */
class SecretsNeverLeakTest {
  @TempDir Path tmp;

  @Test
  void secretsAppearNowhereAUserCanSee() throws Exception {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = JsonLayout.appender(logging, captured);
    Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Map<String, Level> levels = Map.of("dev.flagstaff", Level.DEBUG, "com.slack.api", Level.DEBUG, "org.eclipse.jetty", Level.INFO);
    Map<String, Level> before = new HashMap<>();
    levels.forEach((name, level) -> {
      before.put(name, logging.getLogger(name).getLevel());
      logging.getLogger(name).setLevel(level);
    });
    root.addAppender(appender);
    List<String> seen = new ArrayList<>();
    try (EndpointFixture fx = EndpointFixture.start(tmp, Map.of("FLAGSTAFF_SLACK_MAX_ATTEMPTS", "2"))) {
      fx.flag(FLAG, "{\"enabled\":true}");
      fx.slack.script("views.publish", SlackApiStub.error("invalid_auth"), SlackApiStub.rateLimited(0),
          SlackApiStub.status(500), SlackApiStub.status(500), SlackApiStub.ok());
      for (int i = 1; i <= 4; i++) {
        seen.add(fx.requests.send(SlackRequests.appHomeOpened("EvS" + i, "T1", "U" + i, "home", "h" + i)).body());
      }
      seen.add(new SlackRequests("wrong", fx.requests.endpoint()).send(SlackRequests.urlVerification("x")).body());
      seen.add(fx.requests.send("{broken").body());
      // Every event reaches a final result (published or given up), whichever reply each attempt drew.
      await().until(() -> fx.endpoint.registry().find("flagstaff.slack.views.publish").counters().stream()
          .filter(c -> !"retried".equals(c.getId().getTag("result"))).mapToDouble(c -> c.count()).sum() == 4);
      assertThat(fx.count("flagstaff.slack.views.publish", "result", "failed", "error", "invalid_auth")).isEqualTo(1);
      assertThat(fx.slack.calls("views.publish").get(0).authorization()).isEqualTo("Bearer " + TOKEN);
      seen.add(fx.get("/metrics").body());
      seen.add(fx.get("/flags").body());
      seen.add(fx.get("/flags/" + FLAG + "?actor=U1").body());
    } finally {
      root.detachAppender(appender);
      before.forEach((name, level) -> logging.getLogger(name).setLevel(level));
    }
    Map<String, String> badConfig = new HashMap<>(EndpointFixture.baseEnv("not a url " + TOKEN));
    assertThatThrownBy(() -> new SlackEndpoint(new Config(badConfig), null))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> seen.add(e.getMessage()));

    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).contains("published the App Home", "invalid_auth", "\"event_id\":\"EvS1\"");
    seen.add(logs);
    for (String text : seen) {
      assertThat(text).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(5));
    }
  }
}
