package dev.flagstaff.runtime;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How Flagstaff treats a failed Slack Web API call, in one place for every caller (the endpoint's
 * {@code views.publish}, the operator's {@code chat.postMessage}): which failures deserve another attempt, how long
 * to wait before it, and the error code a failure is counted and logged under. Plain values only, no Slack types.
 */
public final class SlackRetryPolicy {
  /** {@code ok:false} codes that say "try again later" rather than "this request is wrong". */
  public static final Set<String> TRANSIENT_ERRORS =
      Set.of("internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited");
  /** A longer Retry-After is not waited for. */
  public static final long MAX_RETRY_AFTER_SECONDS = 60;
  private static final long BASE_BACKOFF_MILLIS = 250;
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  private SlackRetryPolicy() {}

  /**
   * What one failed call means: the error code it is counted and logged under, whether another attempt may succeed,
   * and the wait Slack asked for ({@code -1}: none given, back off with {@link #backoffMillis}).
   */
  public record Failure(String error, boolean retryable, long retryAfterMillis) {
    /** The wait before the next attempt after {@code attempt} calls: Slack's Retry-After, else the backoff. */
    public long delayMillis(int attempt) {
      return retryAfterMillis >= 0 ? retryAfterMillis : backoffMillis(attempt);
    }
  }

  /** An {@code ok:false} response with its {@code error} code (missing: {@code unknown_error}). */
  public static Failure okFalse(String error) {
    String code = error == null || error.isEmpty() ? "unknown_error" : error;
    return new Failure(code, isTransient(code), -1);
  }

  /**
   * An HTTP error response: 429 is retried after its {@code Retry-After} (longer than
   * {@link #MAX_RETRY_AFTER_SECONDS}: given up), 5xx after a backoff, anything else is given up.
   */
  public static Failure httpStatus(int status, String retryAfterHeader) {
    if (status == 429) {
      long after = retryAfterSeconds(retryAfterHeader);
      return new Failure("ratelimited", after <= MAX_RETRY_AFTER_SECONDS, after * 1000);
    }
    return new Failure(httpError(status), isTransientStatus(status), -1);
  }

  /** An I/O failure (refused, timed out, reset): always worth another attempt after a backoff. */
  public static Failure io(IOException e) {
    return new Failure(ioError(e), true, -1);
  }

  /** A failure inside the client itself (a defect, a bad argument): never retried. */
  public static Failure client() {
    return new Failure("client_error", false, -1);
  }

  /** Whether an {@code ok:false} error code is worth another attempt. */
  public static boolean isTransient(String error) {
    return error != null && TRANSIENT_ERRORS.contains(error);
  }

  /** Whether an HTTP status other than 429 is worth another attempt (the 5xx family). */
  public static boolean isTransientStatus(int status) {
    return status >= 500;
  }

  /** 250 ms, 500 ms, 1 s, ... up to 10 s, each ±20%: the wait before attempt {@code attempt + 1}. */
  public static long backoffMillis(int attempt) {
    long base = Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(Math.max(attempt - 1, 0), 16));
    return (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
  }

  /** The seconds of a {@code Retry-After} header; one second when it is missing or not a number (an HTTP date). */
  public static long retryAfterSeconds(String header) {
    if (header != null) {
      try {
        return Math.max(0, Long.parseLong(header.trim()));
      } catch (NumberFormatException ignored) {
        // an HTTP date or garbage: fall back to one second
      }
    }
    return 1;
  }

  /** The error code an I/O failure is counted under; all of them are transient. */
  public static String ioError(IOException e) {
    if (e instanceof ConnectException) {
      return "connection_refused";
    }
    if (e instanceof InterruptedIOException) {
      return "timeout";
    }
    return "io_error";
  }

  /** The error code an HTTP failure is counted under, e.g. {@code http_503}. */
  public static String httpError(int status) {
    return "http_" + status;
  }
}
