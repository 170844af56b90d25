package dev.flagstaff.operator.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One timer, set to the earliest Lease expiry: the flags are reconciled when a Lease expires, and only then. */
class LeaseExpiryTest {
  private final Clock clock = Clock.systemUTC();
  private final List<ResourceID> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger checks = new AtomicInteger();
  private LeaseExpiry expiry;

  @AfterEach
  void stop() {
    if (expiry != null) {
      expiry.stop();
    }
  }

  private void start(Instant leaseExpires, Set<ResourceID> flags) {
    expiry = new LeaseExpiry(clock,
        (since, now) -> {
          checks.incrementAndGet();
          return leaseExpires.isAfter(since) && !leaseExpires.isAfter(now) ? flags : Set.of();
        },
        after -> leaseExpires.isAfter(after) ? leaseExpires : null);
    expiry.setEventHandler((Event event) -> events.add(event.getRelatedCustomResourceID()));
    expiry.start();
  }

  @Test
  void aLeaseThatExpiresReconcilesTheFlagsOfItsNamespaceOnce() {
    ResourceID flag = new ResourceID("app-home", "flags");
    start(clock.instant().plusMillis(200), Set.of(flag));

    await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
    assertThat(events).containsExactly(flag);
    // nothing more expires: the timer is not set again, so no further check runs
    int after = checks.get();
    assertThat(after).isEqualTo(1);
  }

  @Test
  void anEarlierExpiryMovesTheTimerForward() {
    ResourceID flag = new ResourceID("app-home", "flags");
    Instant far = clock.instant().plusSeconds(3600);
    start(far, Set.of(flag));

    // a Lease seen later expires sooner: the check runs then (and finds, here, nothing expired)
    expiry.consider(clock.instant().plusMillis(100));
    await().atMost(Duration.ofSeconds(5)).until(() -> checks.get() == 1);
    assertThat(events).isEmpty();
  }
}
