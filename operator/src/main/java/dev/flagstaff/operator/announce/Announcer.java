package dev.flagstaff.operator.announce;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import dev.flagstaff.runtime.Secret;
import dev.flagstaff.runtime.SlackApiUrl;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a flag's owners about its effective changes. {@link #announce} returns at once, whatever Slack does: the
 * reconciler never waits for it, and a failure to announce never fails a reconcile.
 */
public interface Announcer extends AutoCloseable {
  /** Announces nothing: the operator without a Slack bot token. */
  Announcer NOOP = new Announcer() {
    @Override
    public void announce(Announcement announcement) {}

    @Override
    public String toString() {
      return "Announcer.NOOP";
    }
  };

  /** Queues {@code announcement} for its channel and returns at once. */
  void announce(Announcement announcement);

  /** Sends what is queued for a short while, then stops. */
  @Override
  default void close() {}

  /**
   * {@link #NOOP} when {@code SLACK_BOT_TOKEN} is unset (said once at INFO), else a {@link SlackAnnouncer} posting
   * through {@code SLACK_API_URL} (default {@value SlackApiUrl#DEFAULT}) with its default limits.
   *
   * @throws ConfigException when SLACK_API_URL is not an http(s) URL (the value is not echoed)
   */
  static Announcer fromConfig(Config config, MeterRegistry registry) {
    Secret token = config.secret("SLACK_BOT_TOKEN");
    if (token == null || token.reveal().isBlank()) {
      LoggerFactory.getLogger(Announcer.class)
          .info("announcements are off: SLACK_BOT_TOKEN is not set");
      return NOOP;
    }
    String url = SlackApiUrl.of(config);
    SlackConfig slackConfig = new SlackConfig();
    slackConfig.setMethodsEndpointUrlPrefix(url);
    slackConfig.setStatsEnabled(false);
    slackConfig.setHttpClientReadTimeoutMillis(SlackAnnouncer.CALL_TIMEOUT_MILLIS);
    slackConfig.setHttpClientWriteTimeoutMillis(SlackAnnouncer.CALL_TIMEOUT_MILLIS);
    slackConfig.setHttpClientCallTimeoutMillis(SlackAnnouncer.CALL_TIMEOUT_MILLIS);
    Logger log = LoggerFactory.getLogger(Announcer.class);
    log.info("announcements are on: effective changes are posted to each flag's owners.slackChannel");
    return new SlackAnnouncer(Slack.getInstance(slackConfig), token, registry);
  }
}
