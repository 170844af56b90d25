package dev.flagstaff.endpoint.http;

import dev.flagstaff.runtime.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's v0 request signature: HMAC-SHA256 over {@code v0:{timestamp}:{raw body}} with the signing secret,
 * compared in constant time. The timestamp window is checked both ways against an injectable clock.
 *
 * <p>The HMAC is computed here, over the body's raw bytes, with one {@link Mac} per thread. The Slack SDK's
 * {@code SlackSignature.Generator} (which the tests use as the reference) builds a new {@code Mac} per call,
 * re-encodes the body with the platform charset, and hex-encodes with {@code String.format} once per byte: under
 * load that was two thirds of this endpoint's allocation and a third of its CPU (benchmarks/results/P3.md).
 */
public final class SignatureCheck {
  private static final String VERSION_PREFIX = "v0=";

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

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BASE_PREFIX = "v0:".getBytes(StandardCharsets.US_ASCII);

  private final ThreadLocal<Mac> macs;
  private final Duration maxAge;
  private final Clock clock;

  public SignatureCheck(Secret signingSecret, Duration maxAge, Clock clock) {
    SecretKeySpec key = new SecretKeySpec(signingSecret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    });
    macs.get(); // fail at start-up, not on the first request
    this.maxAge = maxAge;
    this.clock = clock;
  }

  public Result check(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null) {
      return Result.MISSING_HEADER;
    }
    if (timestamp.isEmpty() || timestamp.length() > 12 || !timestamp.chars().allMatch(c -> c >= '0' && c <= '9')) {
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
    boolean equal = MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    return equal ? Result.OK : Result.BAD_SIGNATURE;
  }

  /** {@code v0=} and the lower-case hex HMAC-SHA256 of {@code v0:{timestamp}:{body}}, as ASCII bytes. */
  private byte[] expected(String timestamp, byte[] body) {
    Mac mac = macs.get();
    mac.update(BASE_PREFIX);
    mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) ':');
    byte[] digest = mac.doFinal(body); // doFinal also resets the Mac for the next request on this thread
    byte[] out = new byte[VERSION_PREFIX.length() + digest.length * 2];
    for (int i = 0; i < VERSION_PREFIX.length(); i++) {
      out[i] = (byte) VERSION_PREFIX.charAt(i);
    }
    for (int i = 0, o = VERSION_PREFIX.length(); i < digest.length; i++) {
      out[o++] = HEX[(digest[i] >> 4) & 0xf];
      out[o++] = HEX[digest[i] & 0xf];
    }
    return out;
  }
}
