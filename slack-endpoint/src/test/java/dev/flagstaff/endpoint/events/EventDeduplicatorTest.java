package dev.flagstaff.endpoint.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventDeduplicatorTest {
  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  }

  final ManualClock clock = new ManualClock();

  @Test
  void anIdIsFirstSeenOnceWithinTheWindow() {
    EventDeduplicator dedupe = new EventDeduplicator(100, Duration.ofHours(1), clock);
    assertThat(dedupe.firstSeen("Ev1")).isTrue();
    assertThat(dedupe.firstSeen("Ev1")).isFalse();
    clock.now = clock.now.plus(Duration.ofMinutes(59));
    assertThat(dedupe.firstSeen("Ev1")).isFalse();
    assertThat(dedupe.firstSeen("Ev2")).isTrue();
  }

  @Test
  void idsExpireAfterTheWindow() {
    EventDeduplicator dedupe = new EventDeduplicator(100, Duration.ofHours(1), clock);
    dedupe.firstSeen("Ev1");
    clock.now = clock.now.plus(Duration.ofHours(1));
    assertThat(dedupe.firstSeen("Ev1")).isTrue();
    assertThat(dedupe.size()).isEqualTo(1);
  }

  @Test
  void memoryIsBoundedByForgettingTheOldest() {
    EventDeduplicator dedupe = new EventDeduplicator(3, Duration.ofHours(1), clock);
    for (int i = 1; i <= 5; i++) {
      dedupe.firstSeen("Ev" + i);
    }
    assertThat(dedupe.size()).isEqualTo(3);
    assertThat(dedupe.firstSeen("Ev5")).isFalse();
    assertThat(dedupe.firstSeen("Ev1")).isTrue();
  }
}
