package dev.flagstaff.endpoint.http;

import java.time.Duration;
import org.eclipse.jetty.server.Request;

/**
 * The first layer of every Slack request, for handlers outside this package (the slash command): the body read
 * asynchronously within the request deadline ({@link BodyReader}), then its v0 signature checked ({@link
 * SignatureCheck}) over the bytes exactly as received. Only a verified body reaches {@link Outcome#verified}; every
 * other outcome is a refusal with its status and error code (as the events handler answers them).
 */
public final class SignedBody {
  /** What became of the request: exactly one method is called, once. */
  public interface Outcome {
    void verified(byte[] body);

    /** @param close whether to close the connection rather than read the rest of the body */
    void refused(int status, String error, boolean close);
  }

  private SignedBody() {}

  /** Starts reading; returns at once. */
  public static void read(Request request, int maxBytes, Duration deadline, SignatureCheck signatures,
      Outcome outcome) {
    if (request.getLength() > maxBytes) {
      outcome.refused(413, "too_large", true);
      return;
    }
    BodyReader.read(request, maxBytes, deadline, new BodyReader.Outcome() {
      @Override
      public void body(byte[] body) {
        SignatureCheck.Result verdict = signatures.check(request.getHeaders().get("X-Slack-Request-Timestamp"),
            request.getHeaders().get("X-Slack-Signature"), body);
        if (verdict == SignatureCheck.Result.OK) {
          outcome.verified(body);
        } else {
          outcome.refused(401, verdict.code(), false);
        }
      }

      @Override
      public void tooLarge() {
        outcome.refused(413, "too_large", true);
      }

      @Override
      public void timedOut() {
        outcome.refused(408, "request_timeout", true);
      }

      @Override
      public void unreadable() {
        outcome.refused(400, "unreadable_body", true);
      }
    });
  }
}
