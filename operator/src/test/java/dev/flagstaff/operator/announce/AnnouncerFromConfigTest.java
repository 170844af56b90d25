package dev.flagstaff.operator.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import dev.flagstaff.runtime.JsonLayout;
import dev.flagstaff.runtime.Metrics;
import dev.flagstaff.testkit.SlackApiStub;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The announcer as the operator builds it from its environment: off without a bot token, and the token in no log
 * line, metric, error or description, against a real local stub of the Slack Web API.
 */
class AnnouncerFromConfigTest {
  private static final String TOKEN = SlackAnnouncerTest.TOKEN;
  private static final String CHANNEL = SlackAnnouncerTest.CHANNEL;
  private static final String POST = SlackAnnouncerTest.POST;

  private final SlackApiStub slack = SlackApiStub.start();
  private final MeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() {
    slack.close();
  }

  private static Announcement step(String channel, String detail) {
    return SlackAnnouncerTest.step(channel, detail);
  }

  @Test
  void withoutATokenAnnouncementsAreOff() {
    Map<String, String> env = Map.of("SLACK_API_URL", slack.baseUrl());
    Announcer off = Announcer.fromConfig(new Config(env), registry);
    assertThat(off).isSameAs(Announcer.NOOP);
    off.announce(step(CHANNEL, "step 1 of 4"));
    off.close();
    assertThat(Announcer.fromConfig(new Config(Map.of("SLACK_BOT_TOKEN", "")), registry)).isSameAs(Announcer.NOOP);

    try (Announcer on = Announcer.fromConfig(
        new Config(Map.of("SLACK_BOT_TOKEN", TOKEN, "SLACK_API_URL", slack.baseUrl())), registry)) {
      assertThat(on).isInstanceOf(SlackAnnouncer.class);
      on.announce(step(CHANNEL, "step 1 of 4"));
      await().until(() -> slack.calls(POST).size() == 1);
    }
    assertThat(slack.calls(POST)).hasSize(1); // only the announcer with a token sent anything
  }

  @Test
  void theTokenAppearsInNoLogLineMetricOrError() {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = JsonLayout.appender(logging, captured);
    ch.qos.logback.classic.Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Map<String, Level> before = new HashMap<>();
    for (String name : List.of("dev.flagstaff", "com.slack.api")) {
      before.put(name, logging.getLogger(name).getLevel());
      logging.getLogger(name).setLevel(Level.DEBUG);
    }
    root.addAppender(appender);
    PrometheusMeterRegistry prometheus = Metrics.newRegistry();
    List<String> seen = new ArrayList<>();
    try {
      slack.script(POST, SlackApiStub.error("invalid_auth"), SlackApiStub.rateLimited(0), SlackApiStub.status(500),
          SlackApiStub.ok());
      try (Announcer announcer = Announcer.fromConfig(
          new Config(Map.of("SLACK_BOT_TOKEN", TOKEN, "SLACK_API_URL", slack.baseUrl())), prometheus)) {
        announcer.announce(step(CHANNEL, "step 1 of 4"));
        announcer.announce(step(CHANNEL, "step 2 of 4"));
        announcer.announce(step(null, "step 3 of 4"));
        seen.add(announcer.toString());
      }
      assertThat(slack.calls(POST)).hasSize(4);
      seen.add(prometheus.scrape());
      assertThat(seen.get(1)).contains("flagstaff_announcements_total{error=\"invalid_auth\",result=\"failed\"} 1");
    } finally {
      root.detachAppender(appender);
      before.forEach((name, level) -> logging.getLogger(name).setLevel(level));
    }
    assertThatThrownBy(() -> Announcer.fromConfig(
        new Config(Map.of("SLACK_BOT_TOKEN", TOKEN, "SLACK_API_URL", "not a url " + TOKEN)), registry))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> seen.add(e.getMessage()));
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).contains("invalid_auth", "announced slack_events_app_home_opened");
    seen.add(logs);
    for (String text : seen) {
      assertThat(text).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(5));
    }
  }
}
