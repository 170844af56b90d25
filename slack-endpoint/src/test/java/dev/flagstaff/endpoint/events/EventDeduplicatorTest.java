package dev.flagstaff.endpoint.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
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

  @Test
  void idsThatDifferAnywhereAreDifferent() {
    EventDeduplicator dedupe = new EventDeduplicator(100, Duration.ofHours(1), clock);
    String longId = "Ev".repeat(400);
    assertThat(dedupe.firstSeen(longId)).isTrue();
    assertThat(dedupe.firstSeen(longId + "x")).isTrue();
    assertThat(dedupe.firstSeen(longId.substring(1))).isTrue();
    assertThat(dedupe.firstSeen("Évènement")).isTrue();
    assertThat(dedupe.firstSeen("Evenement")).isTrue();
    assertThat(dedupe.firstSeen(longId)).isFalse();
    assertThat(dedupe.firstSeen("Évènement")).isFalse();
  }

  /**
   * The primitive table against the plain meaning (a map in arrival order, expired at the head, the oldest
   * forgotten past capacity): 200,000 random deliveries over a small id space, so repeats, expiries and evictions
   * (and the table's re-arrangement on each removal) all happen many times.
   */
  @Test
  void agreesWithAMapInArrivalOrderOverRandomDeliveries() {
    int capacity = 300;
    long window = Duration.ofMinutes(10).toMillis();
    EventDeduplicator dedupe = new EventDeduplicator(capacity, Duration.ofMillis(window), clock);
    LinkedHashMap<String, Long> model = new LinkedHashMap<>();
    Random random = new Random(12);
    for (int n = 0; n < 200_000; n++) {
      // Busy spells (the capacity evicts) and quiet ones (the window expires).
      clock.now = clock.now.plusMillis(random.nextInt(n % 20_000 < 10_000 ? 500 : 6_000));
      long now = clock.millis();
      for (Iterator<Map.Entry<String, Long>> it = model.entrySet().iterator(); it.hasNext(); ) {
        if (now - it.next().getValue() < window) {
          break;
        }
        it.remove();
      }
      String id = "Ev" + random.nextInt(2_000);
      boolean expected = !model.containsKey(id);
      if (expected) {
        model.put(id, now);
        if (model.size() > capacity) {
          model.remove(model.keySet().iterator().next());
        }
      }
      assertThat(dedupe.firstSeen(id)).as("delivery %d of %s", n, id).isEqualTo(expected);
      assertThat(dedupe.size()).isEqualTo(model.size());
    }
  }
}
