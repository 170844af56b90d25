package dev.flagstaff.endpoint.home;

import com.slack.api.Slack;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.views.ViewsPublishResponse;
import com.slack.api.model.view.View;
import dev.flagstaff.endpoint.EndpointMetrics;
import dev.flagstaff.runtime.Secret;
import dev.flagstaff.runtime.SlackRetryPolicy;
import dev.flagstaff.runtime.SlackRetryPolicy.Failure;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The only caller of {@code views.publish}. Every response is checked ({@code isOk()}) and counted by result and
 * Slack error code. Failures are classified by {@link SlackRetryPolicy} (shared with the operator's announcements):
 * HTTP 429 is retried after its {@code Retry-After}, 5xx, timeouts, refused connections and Slack's transient codes
 * after a bounded exponential backoff. Retries are scheduled, never slept on a worker thread, and bounded: at most
 * {@code maxPendingRetries} wait at once; more are given up, counted {@code dropped} (with the failure's error code)
 * and logged.
 *
 * <p>A retry never overtakes a newer publish for the same user: each publish takes a sequence number, and a retry
 * whose user has been given a newer view since is abandoned (counted {@code superseded}), so a rollback's fallback is
 * not replaced by a late feature view. The token is passed per call and never logged.
 */
public final class AppHomePublisher {
  public static final int DEFAULT_MAX_PENDING_RETRIES = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(AppHomePublisher.class);

  private final Slack slack;
  private final Secret token;
  private final EndpointMetrics metrics;
  private final int maxAttempts;
  private final ScheduledExecutorService retries;
  private final int maxPendingRetries;
  private final AtomicInteger pendingRetries = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  /** Per user with a publish in progress, the newest one's number; it leaves when that publish ends. */
  private final ConcurrentMap<String, Publish> newest = new ConcurrentHashMap<>();
  private final AtomicBoolean warnedNoToken = new AtomicBoolean();

  public AppHomePublisher(Slack slack, Secret token, EndpointMetrics metrics, int maxAttempts,
      ScheduledExecutorService retries) {
    this(slack, token, metrics, maxAttempts, retries, DEFAULT_MAX_PENDING_RETRIES);
  }

  public AppHomePublisher(Slack slack, Secret token, EndpointMetrics metrics, int maxAttempts,
      ScheduledExecutorService retries, int maxPendingRetries) {
    this.slack = slack;
    this.token = token;
    this.metrics = metrics;
    this.maxAttempts = maxAttempts;
    this.retries = retries;
    this.maxPendingRetries = maxPendingRetries;
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
    Publish p = new Publish(eventId, userId, view, hash, sequence.incrementAndGet());
    Publish older = newest.put(userId, p);
    if (older != null) {
      older.cancelRetry();
    }
    attempt(p, 1);
  }

  /** One publish to one user, with the retry it is waiting for, if any. */
  private final class Publish {
    final String eventId;
    final String userId;
    final View view;
    final String hash;
    final long seq;
    private ScheduledFuture<?> retry;
    private String lastError;

    Publish(String eventId, String userId, View view, String hash, long seq) {
      this.eventId = eventId;
      this.userId = userId;
      this.view = view;
      this.hash = hash;
      this.seq = seq;
    }

    synchronized void waitFor(ScheduledFuture<?> retry, String error) {
      this.retry = retry;
      this.lastError = error;
    }

    /** A newer view went to this user: the scheduled retry, if not already running, never runs. */
    void cancelRetry() {
      ScheduledFuture<?> waiting;
      String error;
      synchronized (this) {
        waiting = retry;
        error = lastError;
      }
      if (waiting != null && waiting.cancel(false)) {
        pendingRetries.decrementAndGet();
        metrics.publish("superseded", error);
        LOG.info("not retrying an older views.publish for user {}: a newer view is being published", userId);
      }
    }
  }

  private void attempt(Publish p, int attempt) {
    try (var ignored = MDC.putCloseable("event_id", p.eventId)) {
      Failure failure = call(p);
      if (failure == null) {
        metrics.publish("ok", null);
        LOG.info("published the App Home for user {}{}", p.userId, attempt > 1 ? " (attempt " + attempt + ")" : "");
        done(p);
      } else if (failure.retryable() && attempt < maxAttempts) {
        retry(p, attempt, failure);
      } else {
        metrics.publish("failed", failure.error());
        LOG.warn("views.publish for user {} failed after {} attempt(s): {}", p.userId, attempt, failure.error());
        done(p);
      }
    }
  }

  private Failure call(Publish p) {
    try {
      ViewsPublishResponse response =
          slack.methods(token.reveal()).viewsPublish(r -> r.userId(p.userId).view(p.view).hash(p.hash));
      return response.isOk() ? null : SlackRetryPolicy.okFalse(response.getError());
    } catch (SlackApiException e) {
      int status = e.getResponse() == null ? 0 : e.getResponse().code();
      return SlackRetryPolicy.httpStatus(status, e.getResponse() == null ? null : e.getResponse().header("Retry-After"));
    } catch (IOException e) {
      return SlackRetryPolicy.io(e);
    } catch (RuntimeException e) {
      LOG.warn("views.publish for user {} failed: {}", p.userId, e.getClass().getSimpleName());
      return SlackRetryPolicy.client();
    }
  }

  private void retry(Publish p, int attempt, Failure failure) {
    if (superseded(p, failure.error())) {
      return;
    }
    if (pendingRetries.incrementAndGet() > maxPendingRetries) {
      pendingRetries.decrementAndGet();
      metrics.publish("dropped", failure.error());
      LOG.warn("views.publish for user {} failed ({}) and is not retried: {} retries are already waiting", p.userId,
          failure.error(), maxPendingRetries);
      done(p);
      return;
    }
    long delay = failure.delayMillis(attempt);
    metrics.publish("retried", failure.error());
    LOG.info("views.publish for user {} failed ({}), retrying in {} ms", p.userId, failure.error(), delay);
    try {
      p.waitFor(retries.schedule(() -> {
        pendingRetries.decrementAndGet();
        if (!superseded(p, failure.error())) {
          attempt(p, attempt + 1);
        }
      }, delay, TimeUnit.MILLISECONDS), failure.error());
      if (superseded(p, null)) {
        p.cancelRetry(); // a newer publish began while this one was being scheduled
      }
    } catch (RejectedExecutionException shuttingDown) {
      pendingRetries.decrementAndGet();
      metrics.publish("failed", failure.error());
      done(p);
    }
  }

  /** Whether a newer publish for this user has begun since {@code p}; if so {@code p} is abandoned and counted. */
  private boolean superseded(Publish p, String error) {
    // The entry is p's own until p ends; anything else (a newer number, or none because a newer publish has ended)
    // means a newer view was published to this user.
    Publish latest = newest.get(p.userId);
    if (latest == null || latest.seq != p.seq) {
      if (error != null) {
        metrics.publish("superseded", error);
      }
      LOG.info("not retrying an older views.publish for user {}: a newer view has been published since", p.userId);
      return true;
    }
    return false;
  }

  private void done(Publish p) {
    newest.remove(p.userId, p);
  }

  /** Retries scheduled and not yet run. */
  public int pendingRetries() {
    return pendingRetries.get();
  }
}
