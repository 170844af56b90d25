package dev.flagstaff.endpoint.home;

import com.slack.api.Slack;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.views.ViewsPublishResponse;
import com.slack.api.model.view.View;
import dev.flagstaff.endpoint.EndpointMetrics;
import dev.flagstaff.runtime.Secret;
import dev.flagstaff.runtime.SlackRetryPolicy;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The only caller of {@code views.publish}. Every response is checked ({@code isOk()}) and counted by result and
 * Slack error code. Publishing a Home view is idempotent, so transient failures are retried: HTTP 429 after its
 * {@code Retry-After}, 5xx, timeouts, refused connections and Slack's transient error codes after a bounded
 * exponential backoff with jitter ({@link SlackRetryPolicy}, shared with the operator's announcements). Retries are
 * scheduled, never slept on a worker thread. The token is passed per call and never logged.
 */
public final class AppHomePublisher {
  private static final Logger LOG = LoggerFactory.getLogger(AppHomePublisher.class);
  /** A longer Retry-After is not waited for: the user has long moved on. */
  static final long MAX_RETRY_AFTER_SECONDS = SlackRetryPolicy.MAX_RETRY_AFTER_SECONDS;

  private final Slack slack;
  private final Secret token;
  private final EndpointMetrics metrics;
  private final int maxAttempts;
  private final ScheduledExecutorService retries;
  private final AtomicBoolean warnedNoToken = new AtomicBoolean();

  public AppHomePublisher(Slack slack, Secret token, EndpointMetrics metrics, int maxAttempts,
      ScheduledExecutorService retries) {
    this.slack = slack;
    this.token = token;
    this.metrics = metrics;
    this.maxAttempts = maxAttempts;
    this.retries = retries;
  }

  /** Publishes {@code view} as {@code userId}'s Home; the first attempt runs on the calling thread. */
  public void publish(String eventId, String userId, View view, String hash) {
    if (token == null) {
      metrics.publish("skipped", "no_token");
      if (warnedNoToken.compareAndSet(false, true)) {
        LOG.warn("SLACK_BOT_TOKEN is not set: the App Home cannot be published");
      }
      return;
    }
    attempt(eventId, userId, view, hash, 1);
  }

  private void attempt(String eventId, String userId, View view, String hash, int attempt) {
    try (var ignored = MDC.putCloseable("event_id", eventId)) {
      ViewsPublishResponse response =
          slack.methods(token.reveal()).viewsPublish(r -> r.userId(userId).view(view).hash(hash));
      if (response.isOk()) {
        metrics.publish("ok", null);
        LOG.info("published the App Home for user {}{}", userId, attempt > 1 ? " (attempt " + attempt + ")" : "");
        return;
      }
      String error = response.getError();
      if (SlackRetryPolicy.isTransient(error)) {
        retryOrGiveUp(eventId, userId, view, hash, attempt, error, backoff(attempt));
      } else {
        metrics.publish("failed", error);
        LOG.warn("views.publish for user {} failed: {}", userId, error);
      }
    } catch (SlackApiException e) {
      int status = e.getResponse() == null ? 0 : e.getResponse().code();
      if (status == 429) {
        long after = SlackRetryPolicy.retryAfterSeconds(e.getResponse().header("Retry-After"));
        if (after > MAX_RETRY_AFTER_SECONDS) {
          metrics.publish("failed", "ratelimited");
          LOG.warn("views.publish for user {} rate limited for {} s: giving up", userId, after);
        } else {
          retryOrGiveUp(eventId, userId, view, hash, attempt, "ratelimited", TimeUnit.SECONDS.toMillis(after));
        }
      } else if (SlackRetryPolicy.isTransientStatus(status)) {
        retryOrGiveUp(eventId, userId, view, hash, attempt, SlackRetryPolicy.httpError(status), backoff(attempt));
      } else {
        metrics.publish("failed", SlackRetryPolicy.httpError(status));
        LOG.warn("views.publish for user {} failed with HTTP {}", userId, status);
      }
    } catch (IOException e) {
      retryOrGiveUp(eventId, userId, view, hash, attempt, SlackRetryPolicy.ioError(e), backoff(attempt));
    } catch (RuntimeException e) {
      metrics.publish("failed", "client_error");
      LOG.warn("views.publish for user {} failed: {}", userId, e.getClass().getSimpleName());
    }
  }

  private void retryOrGiveUp(String eventId, String userId, View view, String hash, int attempt, String error,
      long delayMillis) {
    if (attempt >= maxAttempts || retries.isShutdown()) {
      metrics.publish("failed", error);
      LOG.warn("views.publish for user {} failed after {} attempt(s): {}", userId, attempt, error);
      return;
    }
    metrics.publish("retried", error);
    LOG.info("views.publish for user {} failed ({}), retrying in {} ms", userId, error, delayMillis);
    try {
      retries.schedule(() -> attempt(eventId, userId, view, hash, attempt + 1), delayMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      metrics.publish("failed", error);
    }
  }

  static long backoff(int attempt) {
    return SlackRetryPolicy.backoffMillis(attempt);
  }
}
