package dev.flagstaff.flags;

/**
 * Flipper's actor bucketing, as GitLab uses it: {@code crc32(key + actor) mod 100000}. An actor is in a
 * percentage-of-actors rollout iff its bucket is below {@code percentage × 1000}, so cohorts carry over
 * unchanged from a GitLab/Flipper rollout. Computed over the UTF-8 bytes of key then actor without
 * allocating.
 *
 * <p>Two things keep a percentage-of-actors evaluation within its 25 ns budget (P1,
 * benchmarks/results/P1.md): runs of eight ASCII characters are folded in with slicing-by-8 tables (eight
 * independent look-ups instead of a chain of eight), and the register after the key, the same for every actor, is
 * computed once per flag state ({@link FlagState#keyRegister}) rather than on every call.
 */
public final class ActorBucket {
  /** Buckets per 100%: three decimals of percentage. */
  public static final int SCALE = 100_000;

  /**
   * {@code SLICES[k * 256 + b]}: the register contribution of byte {@code b} followed by {@code k} more bytes;
   * slice 0 is the classic byte-at-a-time table.
   */
  private static final int[] SLICES = new int[8 * 256];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      SLICES[n] = c;
    }
    for (int k = 1; k < 8; k++) {
      for (int n = 0; n < 256; n++) {
        int previous = SLICES[(k - 1) * 256 + n];
        SLICES[k * 256 + n] = (previous >>> 8) ^ SLICES[previous & 0xFF];
      }
    }
  }

  private ActorBucket() {}

  /** The bucket in [0, 100000) of this actor for this flag. */
  public static int of(String key, String actor) {
    return of(keyRegister(key), actor);
  }

  /** Whether the actor falls inside a percentage-of-actors rollout of {@code percentage}. */
  public static boolean inPercentage(String key, String actor, double percentage) {
    return of(key, actor) < percentage * 1000;
  }

  /** As {@link #inPercentage(String, String, double)}, given the {@link #keyRegister} of the key. */
  static boolean inPercentage(int keyRegister, String actor, double percentage) {
    return of(keyRegister, actor) < percentage * 1000;
  }

  /** The CRC-32 register after the key's bytes: where every actor's bucket of this flag starts from. */
  static int keyRegister(String key) {
    return update(0xFFFFFFFF, key);
  }

  private static int of(int keyRegister, String actor) {
    int crc = update(keyRegister, actor);
    long unsigned = (~crc) & 0xFFFFFFFFL;
    return (int) (unsigned % SCALE);
  }

  private static int update(int crc, String s) {
    int n = s.length();
    int i = 0;
    while (i + 8 <= n) {
      char c0 = s.charAt(i), c1 = s.charAt(i + 1), c2 = s.charAt(i + 2), c3 = s.charAt(i + 3);
      char c4 = s.charAt(i + 4), c5 = s.charAt(i + 5), c6 = s.charAt(i + 6), c7 = s.charAt(i + 7);
      if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) >= 0x80) {
        break; // not ASCII: the byte-by-byte loop below encodes it
      }
      int low = crc ^ (c0 | c1 << 8 | c2 << 16 | c3 << 24);
      int high = c4 | c5 << 8 | c6 << 16 | c7 << 24;
      crc = SLICES[7 * 256 + (low & 0xFF)] ^ SLICES[6 * 256 + ((low >>> 8) & 0xFF)]
          ^ SLICES[5 * 256 + ((low >>> 16) & 0xFF)] ^ SLICES[4 * 256 + (low >>> 24)]
          ^ SLICES[3 * 256 + (high & 0xFF)] ^ SLICES[2 * 256 + ((high >>> 8) & 0xFF)]
          ^ SLICES[256 + ((high >>> 16) & 0xFF)] ^ SLICES[high >>> 24];
      i += 8;
    }
    for (; i < n; i++) {
      char ch = s.charAt(i);
      if (ch < 0x80) {
        crc = step(crc, ch);
      } else if (ch < 0x800) {
        crc = step(crc, 0xC0 | (ch >> 6));
        crc = step(crc, 0x80 | (ch & 0x3F));
      } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(ch, s.charAt(++i));
        crc = step(crc, 0xF0 | (cp >> 18));
        crc = step(crc, 0x80 | ((cp >> 12) & 0x3F));
        crc = step(crc, 0x80 | ((cp >> 6) & 0x3F));
        crc = step(crc, 0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(ch)) {
        crc = step(crc, '?'); // what String.getBytes(UTF_8) writes for an unpaired surrogate
      } else {
        crc = step(crc, 0xE0 | (ch >> 12));
        crc = step(crc, 0x80 | ((ch >> 6) & 0x3F));
        crc = step(crc, 0x80 | (ch & 0x3F));
      }
    }
    return crc;
  }

  private static int step(int crc, int b) {
    return SLICES[(crc ^ b) & 0xFF] ^ (crc >>> 8);
  }
}
