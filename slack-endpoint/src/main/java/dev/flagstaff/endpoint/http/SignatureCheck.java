package dev.flagstaff.endpoint.http;

import dev.flagstaff.runtime.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's v0 request signature: HMAC-SHA256 over the bytes {@code v0:{timestamp}:} followed by the body exactly as
 * received, with the signing secret, hex-encoded and compared in constant time. No charset is involved: two bodies
 * that differ in any byte (an overlong form, an invalid sequence that decodes to the same replacement character)
 * never share a signature. The timestamp window is checked both ways against an injectable clock.
 */
public final class SignatureCheck {
  private static final String VERSION_PREFIX = "v0=";
  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREFIX = "v0:".getBytes(StandardCharsets.US_ASCII);
  /** "v0=" and 64 hex digits. */
  private static final int SIGNATURE_LENGTH = 3 + 64;

  /** The outcome; {@link #code()} is the metric tag and the error in the 401 body. */
  public enum Result {
    OK("ok"), MISSING_HEADER("missing_header"), BAD_TIMESTAMP("bad_timestamp"), STALE("stale"), FUTURE("future"),
    BAD_VERSION("bad_version"), BAD_SIGNATURE("bad_signature");

    private final String code;

    Result(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /**
   * Initialised once with the key; each thread computes on its own clone (a Mac is not thread-safe), kept with
   * its scratch buffers, so a check allocates nothing.
   */
  private final Mac prototype;
  private final ThreadLocal<Scratch> scratch;
  private final Duration maxAge;
  private final Clock clock;

  /** One thread's Mac and the buffers it writes into. */
  private static final class Scratch {
    final Mac mac;
    final byte[] digest;
    final byte[] expected = new byte[SIGNATURE_LENGTH];

    Scratch(Mac mac) {
      this.mac = mac;
      this.digest = new byte[mac.getMacLength()];
    }
  }

  public SignatureCheck(Secret signingSecret, Duration maxAge, Clock clock) {
    try {
      prototype = Mac.getInstance(ALGORITHM);
      prototype.init(new SecretKeySpec(signingSecret.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
    }
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(cloneOf(prototype)));
    this.maxAge = maxAge;
    this.clock = clock;
  }

  public Result check(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null) {
      return Result.MISSING_HEADER;
    }
    if (timestamp.isEmpty() || timestamp.length() > 12 || !digits(timestamp)) {
      return Result.BAD_TIMESTAMP;
    }
    long skewMillis = clock.millis() - Long.parseLong(timestamp) * 1000;
    if (skewMillis > maxAge.toMillis()) {
      return Result.STALE;
    }
    if (-skewMillis > maxAge.toMillis()) {
      return Result.FUTURE;
    }
    if (!signature.startsWith(VERSION_PREFIX)) {
      return Result.BAD_VERSION;
    }
    byte[] expected = expected(timestamp, body);
    // Header values are ISO-8859-1 on the wire; any other length or character simply does not match.
    return equalInConstantTime(expected, signature) ? Result.OK : Result.BAD_SIGNATURE;
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** As {@link java.security.MessageDigest#isEqual}: the time depends on the length only, not on the contents. */
  private static boolean equalInConstantTime(byte[] expected, String given) {
    if (given.length() != expected.length) {
      return false;
    }
    int difference = 0;
    for (int i = 0; i < expected.length; i++) {
      difference |= (expected[i] & 0xff) ^ given.charAt(i);
    }
    return difference == 0;
  }

  /**
   * {@code v0=} and the lower-case hex HMAC of {@code v0:{timestamp}:{body}}, in this thread's scratch buffer
   * (valid until its next check). The timestamp is digits only, so its chars are its ASCII bytes.
   */
  private byte[] expected(String timestamp, byte[] body) {
    Scratch s = scratch.get();
    Mac mac = s.mac;
    mac.reset();
    mac.update(PREFIX);
    for (int i = 0; i < timestamp.length(); i++) {
      mac.update((byte) timestamp.charAt(i));
    }
    mac.update((byte) ':');
    mac.update(body);
    try {
      mac.doFinal(s.digest, 0);
    } catch (javax.crypto.ShortBufferException e) {
      throw new IllegalStateException(ALGORITHM + " digest does not fit " + s.digest.length + " bytes", e);
    }
    byte[] out = s.expected;
    out[0] = 'v';
    out[1] = '0';
    out[2] = '=';
    for (int i = 0; i < s.digest.length; i++) {
      out[3 + 2 * i] = HEX[(s.digest[i] >> 4) & 0xf];
      out[4 + 2 * i] = HEX[s.digest[i] & 0xf];
    }
    return out;
  }

  private static Mac cloneOf(Mac prototype) {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(ALGORITHM + " cannot be cloned in this JVM", e);
    }
  }
}
