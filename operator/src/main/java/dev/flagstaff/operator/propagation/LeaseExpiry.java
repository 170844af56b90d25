package dev.flagstaff.operator.propagation;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer that dies without deleting its Lease makes no API event: its Lease just stops being renewed. This
 * event source keeps one timer, set to the earliest expiry among the cached Leases; when it fires, the flags of the
 * namespaces where a Lease expired since the last check are reconciled, and the timer is set to the next expiry.
 * Renewals push expiries forward, so most checks find nothing and only move the timer: one check per lease
 * duration at most, whatever the number of flags, and no loop.
 */
final class LeaseExpiry extends AbstractEventSource<Void, FeatureFlag> {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseExpiry.class);
  /** Fire just after the expiry, so that the Lease is no longer live when the check runs. */
  private static final Duration AFTER = Duration.ofMillis(5);

  private final Clock clock;
  private final BiFunction<Instant, Instant, Set<ResourceID>> expiredBetween;
  private final Function<Instant, Instant> nextExpiryAfter;
  private ScheduledExecutorService timer;
  private ScheduledFuture<?> pending;
  private Instant pendingAt;
  private Instant lastCheck;

  /**
   * @param expiredBetween the flags to reconcile because a Lease expired in {@code (since, now]}
   * @param nextExpiryAfter the earliest expiry of a cached Lease after the given instant, or {@code null}
   */
  LeaseExpiry(Clock clock, BiFunction<Instant, Instant, Set<ResourceID>> expiredBetween,
      Function<Instant, Instant> nextExpiryAfter) {
    super(Void.class, "consumer-lease-expiry");
    this.clock = clock;
    this.expiredBetween = expiredBetween;
    this.nextExpiryAfter = nextExpiryAfter;
  }

  /** Starts after the Lease informer has synced (it is a resource state loader), so the cache is complete. */
  @Override
  public synchronized void start() {
    super.start();
    lastCheck = clock.instant();
    schedule(nextExpiryAfter.apply(lastCheck));
  }

  @Override
  public synchronized void stop() {
    super.stop();
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    pending = null;
    pendingAt = null;
  }

  /** A Lease was seen that expires at {@code at}: make sure the timer fires by then. */
  synchronized void consider(Instant at) {
    if (at != null && isRunning()) {
      schedule(at);
    }
  }

  private void schedule(Instant at) {
    if (at == null || pendingAt != null && !at.isBefore(pendingAt)) {
      return;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    if (timer == null) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "consumer-lease-expiry");
        t.setDaemon(true);
        return t;
      });
    }
    long delay = Math.max(0, Duration.between(clock.instant(), at).plus(AFTER).toMillis());
    pendingAt = at;
    pending = timer.schedule(this::check, delay, TimeUnit.MILLISECONDS);
  }

  private synchronized void check() {
    pending = null;
    pendingAt = null;
    if (!isRunning()) {
      return;
    }
    Instant now = clock.instant();
    try {
      Set<ResourceID> flags = expiredBetween.apply(lastCheck, now);
      if (!flags.isEmpty()) {
        LOG.debug("a consumer Lease expired: reconciling {} flag(s)", flags.size());
        flags.forEach(id -> getEventHandler().handleEvent(new Event(id)));
      }
      lastCheck = now;
      schedule(nextExpiryAfter.apply(now));
    } catch (RuntimeException e) {
      LOG.warn("checking consumer Lease expiry failed, the next Lease event sets the timer again: {}", e.toString());
    }
  }

  @Override
  public Set<Void> getSecondaryResources(FeatureFlag primary) {
    return Set.of();
  }
}
