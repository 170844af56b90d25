package dev.flagstaff.operator.announce;

import com.slack.api.Slack;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import dev.flagstaff.runtime.Secret;
import dev.flagstaff.runtime.SlackRetryPolicy;
import dev.flagstaff.runtime.SlackRetryPolicy.Failure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts announcements with {@code chat.postMessage}, off the reconciler's thread: {@link #announce} only offers to a
 * bounded queue (full: the newest is dropped, counted and logged), and one daemon thread sends them in order.
 *
 * <p>Each channel gets at most one message per {@code channelInterval} (default 1 s, Slack's limit for
 * {@code chat.postMessage}). Every response is checked ({@code isOk()}). HTTP 429 is retried after its
 * {@code Retry-After}; 5xx, I/O errors and Slack's transient codes after a bounded exponential backoff
 * ({@link SlackRetryPolicy}), up to {@code maxAttempts} calls; then, or at once for any other {@code ok:false} code
 * ({@code channel_not_found}, {@code not_in_channel}, {@code invalid_auth}), the announcement is given up, counted
 * and logged with the Slack error code. Metrics: {@code flagstaff_announcements_total{result, error}} with result
 * {@code sent}, {@code failed}, {@code dropped} or {@code skipped}, and {@code flagstaff_announcement_retries_total}.
 * The bot token is passed per call and appears in no log line, metric or exception.
 *
 * <p>The Slack SDK's {@code AsyncMethodsClient} is not used: measured against the stub it posts a burst to one channel
 * in clusters of five to seven calls (about 1.5/s, not 1/s), its queues are unbounded, a 429 holds back every channel
 * and is re-queued without limit, and 5xx or I/O failures are not retried (README, Configuration, Operator).
 */
public final class SlackAnnouncer implements Announcer {
  public static final int DEFAULT_CAPACITY = 1000;
  public static final Duration DEFAULT_CHANNEL_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_ATTEMPTS = 4;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
  static final int CALL_TIMEOUT_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(SlackAnnouncer.class);
  private static final Pattern TAG_SAFE = Pattern.compile("[a-z0-9_.]{1,64}");
  private static final long POLL_MILLIS = 200;

  /** The time the sender reads and waits on; tests pass one that records waits instead of sleeping. */
  public interface Ticker {
    Ticker SYSTEM = new Ticker() {
      @Override
      public long millis() {
        return System.nanoTime() / 1_000_000;
      }

      @Override
      public void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
      }
    };

    /** A monotonic reading in milliseconds. */
    long millis();

    void sleep(long millis) throws InterruptedException;
  }

  private final Slack slack;
  private final Secret token;
  private final MeterRegistry registry;
  private final BlockingQueue<Announcement> queue;
  private final long channelIntervalMillis;
  private final int maxAttempts;
  private final Duration drainTimeout;
  private final Ticker ticker;
  /** When each channel may next be posted to; touched by the sender thread only. */
  private final Map<String, Long> channelReadyAt = new HashMap<>();
  private final Thread sender;
  private volatile boolean closing;
  /** Set when close() has waited long enough: no further call is made. */
  private volatile boolean stopped;

  /** With the defaults: 1,000 queued, one message per channel per second, 4 attempts, 5 s to drain on close. */
  public SlackAnnouncer(Slack slack, Secret token, MeterRegistry registry) {
    this(slack, token, registry, DEFAULT_CAPACITY, DEFAULT_CHANNEL_INTERVAL, DEFAULT_MAX_ATTEMPTS,
        DEFAULT_DRAIN_TIMEOUT, Ticker.SYSTEM);
  }

  /**
   * @param slack the client, configured with the API URL; closed by {@link #close()}
   * @param token the bot token ({@code chat:write})
   * @param capacity how many announcements may wait; more are dropped
   * @param channelInterval the least time between two messages to one channel (zero: no limit)
   * @param maxAttempts calls per announcement, the first included, when failures are transient
   * @param drainTimeout how long {@link #close()} keeps sending what is queued
   */
  public SlackAnnouncer(Slack slack, Secret token, MeterRegistry registry, int capacity, Duration channelInterval,
      int maxAttempts, Duration drainTimeout, Ticker ticker) {
    if (capacity < 1 || maxAttempts < 1 || channelInterval.isNegative() || drainTimeout.isNegative()) {
      throw new IllegalArgumentException("capacity and maxAttempts must be positive, durations not negative");
    }
    this.slack = slack;
    this.token = token;
    this.registry = registry;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.channelIntervalMillis = channelInterval.toMillis();
    this.maxAttempts = maxAttempts;
    this.drainTimeout = drainTimeout;
    this.ticker = ticker;
    counter("sent", null);
    Gauge.builder("flagstaff.announcements.queued", queue, BlockingQueue::size)
        .description("Announcements waiting to be posted to Slack")
        .register(registry);
    sender = new Thread(this::run, "flagstaff-announcer");
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void announce(Announcement announcement) {
    if (announcement == null) {
      return;
    }
    if (!announcement.hasChannel()) {
      count("skipped", "no_channel");
      LOG.debug("not announcing {} in {}: the flag names no owners.slackChannel", announcement.key(),
          announcement.environment());
      return;
    }
    if (closing) {
      count("dropped", "closed");
      LOG.warn("not announcing {} in {} to {}: the operator is stopping", announcement.key(),
          announcement.environment(), announcement.channel());
      return;
    }
    if (!queue.offer(announcement)) {
      count("dropped", "queue_full");
      LOG.warn("not announcing {} in {} to {}: {} announcements are already waiting", announcement.key(),
          announcement.environment(), announcement.channel(), queue.size());
    }
  }

  /** Keeps sending what is queued for up to the drain timeout, then stops; what is left is counted dropped. */
  @Override
  public void close() {
    closing = true;
    try {
      sender.join(Math.max(1, drainTimeout.toMillis()));
      if (sender.isAlive()) {
        stopped = true;
        sender.interrupt();
        sender.join(CALL_TIMEOUT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = 0;
    while (queue.poll() != null) {
      count("dropped", "closed");
      left++;
    }
    if (left > 0) {
      LOG.warn("{} announcement(s) not sent: the operator stopped before Slack took them", left);
    }
    try {
      slack.close();
    } catch (Exception e) {
      LOG.debug("closing the Slack client: {}", e.getClass().getSimpleName());
    }
  }

  private void run() {
    try {
      while (!stopped && (!closing || !queue.isEmpty())) {
        Announcement next = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (next != null) {
          try {
            deliver(next);
          } catch (RuntimeException e) {
            // A defect must not end the sender: count it, keep serving the queue.
            count("failed", "internal");
            LOG.error("announcing {} in {} failed: {}", next.key(), next.environment(), e.getClass().getName());
          }
        }
      }
    } catch (InterruptedException e) {
      // close() ran out of patience: what is still queued is counted there
    }
  }

  /** One announcement to its end: sent, or given up. Throws only when close() interrupts a wait. */
  private void deliver(Announcement a) throws InterruptedException {
    String channel = a.channel().trim();
    AnnouncementText message = AnnouncementText.of(a);
    long retryAt = 0;
    for (int attempt = 1; ; attempt++) {
      if (stopped) {
        count("dropped", "closed");
        return;
      }
      long wait = Math.max(retryAt, channelReadyAt.getOrDefault(channel, 0L)) - ticker.millis();
      if (wait > 0) {
        try {
          ticker.sleep(wait);
        } catch (InterruptedException e) {
          count("dropped", "closed");
          throw e;
        }
      }
      Failure result = post(channel, message);
      long now = ticker.millis();
      channelReadyAt.put(channel, now + channelIntervalMillis);
      forgetIdleChannels(now);
      if (result == null) {
        count("sent", null);
        LOG.info("announced {} in {} to {}: {}{}", a.key(), a.environment(), channel, a.why(),
            attempt > 1 ? " (attempt " + attempt + ")" : "");
        return;
      }
      if (!result.retryable() || attempt >= maxAttempts) {
        count("failed", result.error());
        LOG.warn("announcing {} in {} to {} failed after {} attempt(s): {}", a.key(), a.environment(), channel,
            attempt, result.error());
        return;
      }
      long delay = result.delayMillis(attempt);
      retries(result.error()).increment();
      LOG.info("announcing {} in {} to {} failed ({}), retrying in {} ms", a.key(), a.environment(), channel,
          result.error(), delay);
      retryAt = now + delay;
    }
  }

  /** One call: {@code null} when Slack took the message, else how it failed ({@link SlackRetryPolicy}). */
  private Failure post(String channel, AnnouncementText message) {
    try {
      ChatPostMessageResponse response = slack.methods(token.reveal())
          .chatPostMessage(r -> r.channel(channel).text(message.text()).blocks(message.blocks()));
      return response.isOk() ? null : SlackRetryPolicy.okFalse(response.getError());
    } catch (SlackApiException e) {
      int status = e.getResponse() == null ? 0 : e.getResponse().code();
      return SlackRetryPolicy.httpStatus(status, e.getResponse() == null ? null : e.getResponse().header("Retry-After"));
    } catch (IOException e) {
      return SlackRetryPolicy.io(e);
    } catch (RuntimeException e) {
      LOG.warn("chat.postMessage to {} failed: {}", channel, e.getClass().getSimpleName());
      return SlackRetryPolicy.client();
    }
  }

  /** Channels not posted to for a while need no entry: their next message may go at once. */
  private void forgetIdleChannels(long now) {
    if (channelReadyAt.size() > 1000) {
      channelReadyAt.values().removeIf(readyAt -> readyAt <= now);
    }
  }

  private void count(String result, String error) {
    counter(result, error).increment();
  }

  private Counter counter(String result, String error) {
    return Counter.builder("flagstaff.announcements")
        .description("Announcements by result (sent, failed, dropped, skipped) and Slack error code")
        .tag("result", result)
        .tag("error", tag(error))
        .register(registry);
  }

  private Counter retries(String error) {
    return Counter.builder("flagstaff.announcement.retries")
        .description("chat.postMessage calls that failed transiently and were tried again, by error")
        .tag("error", tag(error))
        .register(registry);
  }

  private static String tag(String error) {
    if (error == null || error.isEmpty()) {
      return "none";
    }
    return TAG_SAFE.matcher(error).matches() ? error : "other";
  }
}
