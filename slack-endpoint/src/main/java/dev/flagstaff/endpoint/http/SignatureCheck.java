package dev.flagstaff.endpoint.http;

import com.slack.api.app_backend.SlackSignature;
import dev.flagstaff.runtime.Secret;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack's v0 request signature: HMAC-SHA256 over {@code v0:{timestamp}:{raw body}} with the signing secret, computed
 * by the Slack SDK's {@link SlackSignature.Generator} and compared here in constant time (the SDK's own
 * {@code Verifier} uses {@code String.equals} and the system clock). The timestamp window is checked both ways
 * against an injectable clock.
 */
public final class SignatureCheck {
  private static final Logger LOG = LoggerFactory.getLogger(SignatureCheck.class);
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

  private final SlackSignature.Generator generator;
  private final Duration maxAge;
  private final Clock clock;
  /**
   * The SDK's generator turns the body back into bytes with the platform charset; decoding with the same charset
   * gives back the bytes Slack signed whenever that charset round-trips (UTF-8, ISO-8859-1).
   */
  private final Charset platform = Charset.defaultCharset();

  public SignatureCheck(Secret signingSecret, Duration maxAge, Clock clock) {
    this.generator = new SlackSignature.Generator(signingSecret.reveal());
    this.maxAge = maxAge;
    this.clock = clock;
    if (!platform.equals(StandardCharsets.UTF_8) && !platform.equals(StandardCharsets.ISO_8859_1)) {
      LOG.warn("the default charset is {}: requests with non-ASCII bodies will fail verification; "
          + "run with -Dfile.encoding=UTF-8", platform);
    }
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
    String expected = generator.generate(timestamp, new String(body, platform));
    if (expected == null) {
      return Result.BAD_SIGNATURE;
    }
    boolean equal = MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
    return equal ? Result.OK : Result.BAD_SIGNATURE;
  }
}
