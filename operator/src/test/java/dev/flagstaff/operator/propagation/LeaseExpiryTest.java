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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One timer, set to the earliest Lease expiry: the flags are reconciled when a Lease expires, and only then. */
class LeaseExpiryTest {
  private final Clock clock = Clock.systemUTC();
  private final List<ResourceID> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger checks = new AtomicInteger();
  private final AtomicReference<Instant> leaseExpires = new AtomicReference<>();
  private LeaseExpiry expiry;

  @AfterEach
  void stop() {
    if (expiry != null) {
      expiry.stop();
    }
  }

  /** A timer over one Lease whose expiry the test sets ({@code null}: no Lease yet). */
  private void start(Set<ResourceID> flags) {
    expiry = new LeaseExpiry(clock,
        (since, now) -> {
          checks.incrementAndGet();
          Instant at = leaseExpires.get();
          return at != null && at.isAfter(since) && !at.isAfter(now) ? flags : Set.of();
        },
        after -> {
          Instant at = leaseExpires.get();
          return at != null && at.isAfter(after) ? at : null;
        });
    expiry.setEventHandler((Event event) -> events.add(event.getRelatedCustomResourceID()));
    expiry.start();
  }

  /** What the Lease informer does when it sees a Lease. */
  private void leaseSeen(Instant expires) {
    leaseExpires.set(expires);
    expiry.consider(expires);
  }

  @Test
  void aLeaseThatExpiresReconcilesTheFlagsOfItsNamespaceOnce() {
    ResourceID flag = new ResourceID("app-home", "flags");
    start(Set.of(flag));
    leaseSeen(clock.instant().plusMillis(200));

    await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
    assertThat(events).containsExactly(flag);
    // nothing more expires: the timer is not set again, so no further check runs
    int after = checks.get();
    assertThat(after).isEqualTo(1);
  }

  @Test
  void anEarlierExpiryMovesTheTimerForward() {
    ResourceID flag = new ResourceID("app-home", "flags");
    leaseExpires.set(clock.instant().plusSeconds(3600));
    start(Set.of(flag));

    // a Lease seen later expires sooner: the check runs then (and finds, here, nothing expired)
    expiry.consider(clock.instant().plusMillis(100));
    await().atMost(Duration.ofSeconds(5)).until(() -> checks.get() == 1);
    assertThat(events).isEmpty();
  }
}
