package dev.flagstaff.flags;

/**
 * Flipper's actor bucketing, as GitLab uses it: {@code crc32(key + actor) mod 100000}. An actor is in a
 * percentage-of-actors rollout iff its bucket is below {@code percentage × 1000}, so cohorts carry over
 * unchanged from a GitLab/Flipper rollout. Computed over the UTF-8 bytes of key then actor without
 * allocating.
 */
public final class ActorBucket {
  /** Buckets per 100%: three decimals of percentage. */
  public static final int SCALE = 100_000;

  private static final int[] TABLE = new int[256];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      TABLE[n] = c;
    }
  }

  private ActorBucket() {}

  /** The bucket in [0, 100000) of this actor for this flag. */
  public static int of(String key, String actor) {
    int crc = update(0xFFFFFFFF, key);
    crc = update(crc, actor);
    long unsigned = (~crc) & 0xFFFFFFFFL;
    return (int) (unsigned % SCALE);
  }

  /** Whether the actor falls inside a percentage-of-actors rollout of {@code percentage}. */
  public static boolean inPercentage(String key, String actor, double percentage) {
    return of(key, actor) < percentage * 1000;
  }

  private static int update(int crc, String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
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
    return TABLE[(crc ^ b) & 0xFF] ^ (crc >>> 8);
  }
}
