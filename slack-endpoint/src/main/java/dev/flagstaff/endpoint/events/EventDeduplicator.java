package dev.flagstaff.endpoint.events;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;

/**
 * Remembers the event ids seen in the last {@code window}, at most {@code capacity} of them (the oldest are
 * forgotten first), so that each event is processed at most once across Slack's retries (Slack retries three
 * times within about an hour and a half at most, the first within seconds).
 *
 * <p>Nothing per event is kept as an object: an id is remembered as the first 128 bits of the SHA-256 of its
 * UTF-16 code units, in a ring of primitive arrays (two {@code long}s of hash and one of time per id, in arrival
 * order, so the oldest and the expired are at the head), indexed by an open-addressing {@code int[]} table with
 * linear probing. All arrays are allocated once, sized by the capacity (about 40 bytes per id: 4 MB for 100,000),
 * so the memory is bounded in bytes whatever the ids' length, and a young collection has nothing of it to copy.
 * Two different ids are taken for one only if their 128-bit hashes are equal: with a full memory of {@code n} ids,
 * each new id has a chance of {@code n / 2^128} (≈ 3·10⁻³⁴ at 100,000) of being dropped as a false duplicate.
 */
public final class EventDeduplicator {
  private static final int EMPTY = -1;

  private final int capacity;
  private final long windowMillis;
  private final Clock clock;
  // The ring: id i (0 ≤ i < capacity) has hash (high[i], low[i]) and was first seen at time[i].
  private final long[] high;
  private final long[] low;
  private final long[] time;
  private int head;
  private int size;
  /** Slot → ring index, or EMPTY; a power of two at least twice the capacity, so probes stay short. */
  private final int[] table;
  private final int mask;
  private final MessageDigest sha256;
  private final byte[] units = new byte[512];
  private final byte[] digest = new byte[32];

  public EventDeduplicator(int capacity, Duration window, Clock clock) {
    if (capacity < 1 || capacity > 1 << 28) {
      throw new IllegalArgumentException("capacity must be between 1 and 2^28, was " + capacity);
    }
    this.capacity = capacity;
    this.windowMillis = window.toMillis();
    this.clock = clock;
    this.high = new long[capacity];
    this.low = new long[capacity];
    this.time = new long[capacity];
    this.table = new int[Integer.highestOneBit(capacity) << 2];
    this.mask = table.length - 1;
    java.util.Arrays.fill(table, EMPTY);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  /** True the first time an id is seen within the window; false for a repeat. */
  public synchronized boolean firstSeen(String eventId) {
    long now = clock.millis();
    expire(now);
    hash(eventId);
    long h = longAt(0);
    long l = longAt(8);
    int slot = (int) l & mask;
    while (table[slot] != EMPTY) {
      int i = table[slot];
      if (high[i] == h && low[i] == l) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    if (size == capacity) {
      removeHead();
      slot = freeSlot(l);
    }
    int i = (head + size) % capacity;
    high[i] = h;
    low[i] = l;
    time[i] = now;
    table[slot] = i;
    size++;
    return true;
  }

  public synchronized int size() {
    return size;
  }

  private void expire(long now) {
    while (size > 0 && now - time[head] >= windowMillis) {
      removeHead();
    }
  }

  private int freeSlot(long l) {
    int slot = (int) l & mask;
    while (table[slot] != EMPTY) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Forgets the oldest id: its slot is emptied and the probe run after it shifted back (no tombstones). */
  private void removeHead() {
    int slot = (int) low[head] & mask;
    while (table[slot] != head) {
      slot = (slot + 1) & mask;
    }
    int hole = slot;
    int next = (hole + 1) & mask;
    while (table[next] != EMPTY) {
      int home = (int) low[table[next]] & mask;
      // The entry at next may move into the hole unless its home lies cyclically in (hole, next].
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        table[hole] = table[next];
        hole = next;
      }
      next = (next + 1) & mask;
    }
    table[hole] = EMPTY;
    head = (head + 1) % capacity;
    size--;
  }

  /** SHA-256 of the id's UTF-16 code units (an injective encoding of any string) into {@link #digest}. */
  private void hash(String id) {
    sha256.reset();
    int n = 0;
    for (int c = 0; c < id.length(); c++) {
      char ch = id.charAt(c);
      units[n++] = (byte) (ch >> 8);
      units[n++] = (byte) ch;
      if (n == units.length) {
        sha256.update(units, 0, n);
        n = 0;
      }
    }
    sha256.update(units, 0, n);
    try {
      sha256.digest(digest, 0, digest.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 digest failed", e);
    }
  }

  private long longAt(int offset) {
    long v = 0;
    for (int k = offset; k < offset + 8; k++) {
      v = (v << 8) | (digest[k] & 0xff);
    }
    return v;
  }
}
