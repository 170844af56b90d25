package dev.flagstaff.endpoint.events;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the event ids seen in the last {@code window}, at most {@code capacity} of them (the oldest are
 * forgotten first), so that each event is processed at most once across Slack's retries (Slack retries three
 * times within about an hour and a half at most, the first within seconds). Memory is bounded by the capacity.
 */
public final class EventDeduplicator {
  private final int capacity;
  private final long windowMillis;
  private final Clock clock;
  /** Insertion order is time order, so expired ids are always at the head. */
  private final LinkedHashMap<String, Long> seen;

  public EventDeduplicator(int capacity, Duration window, Clock clock) {
    this.capacity = capacity;
    this.windowMillis = window.toMillis();
    this.clock = clock;
    this.seen = new LinkedHashMap<>(Math.min(capacity, 1024) * 2);
  }

  /** True the first time an id is seen within the window; false for a repeat. */
  public synchronized boolean firstSeen(String eventId) {
    long now = clock.millis();
    expire(now);
    if (seen.containsKey(eventId)) {
      return false;
    }
    seen.put(eventId, now);
    if (seen.size() > capacity) {
      Iterator<?> oldest = seen.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  public synchronized int size() {
    return seen.size();
  }

  private void expire(long now) {
    Iterator<Map.Entry<String, Long>> entries = seen.entrySet().iterator();
    while (entries.hasNext()) {
      if (now - entries.next().getValue() < windowMillis) {
        return;
      }
      entries.remove();
    }
  }
}
