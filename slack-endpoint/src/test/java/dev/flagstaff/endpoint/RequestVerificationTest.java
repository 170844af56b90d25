package dev.flagstaff.endpoint;

import static dev.flagstaff.endpoint.EndpointFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.testkit.SlackRequests;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal through a real connection: a 4xx with a small JSON error, never a stack trace, never a crash. */
class RequestVerificationTest {
  @TempDir static Path tmp;
  static EndpointFixture fx;
  static final String BODY = SlackRequests.urlVerification("challenge-1");

  @BeforeAll
  static void start() {
    fx = EndpointFixture.start(tmp, Map.of());
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private static void assertRefused(HttpResponse<String> response, int status, String error) throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(error);
    assertThat(response.body()).hasSizeLessThan(100).doesNotContain("Exception", "at org.", "at dev.");
  }

  private static Map<String, String> signed(long timestamp) {
    return new HashMap<>(fx.requests.signedHeaders(BODY, timestamp));
  }

  @Test
  void validSignatureIsAccepted() {
    assertThat(fx.requests.send(BODY).statusCode()).isEqualTo(200);
  }

  @Test
  void missingTimestampOrSignature() throws Exception {
    Map<String, String> noTimestamp = signed(Instant.now().getEpochSecond());
    noTimestamp.remove("X-Slack-Request-Timestamp");
    assertRefused(fx.requests.sendRaw("POST", BODY, noTimestamp), 401, "missing_header");
    Map<String, String> noSignature = signed(Instant.now().getEpochSecond());
    noSignature.remove("X-Slack-Signature");
    assertRefused(fx.requests.sendRaw("POST", BODY, noSignature), 401, "missing_header");
  }

  @Test
  void nonNumericTimestamp() throws Exception {
    Map<String, String> headers = signed(Instant.now().getEpochSecond());
    headers.put("X-Slack-Request-Timestamp", "12ab");
    assertRefused(fx.requests.sendRaw("POST", BODY, headers), 401, "bad_timestamp");
  }

  @Test
  void staleAndFutureTimestampsEvenWhenCorrectlySigned() throws Exception {
    long now = Instant.now().getEpochSecond();
    assertRefused(fx.requests.sendRaw("POST", BODY, signed(now - 6 * 60)), 401, "stale");
    assertRefused(fx.requests.sendRaw("POST", BODY, signed(now + 6 * 60)), 401, "future");
    assertThat(fx.requests.sendRaw("POST", BODY, signed(now - 4 * 60)).statusCode()).isEqualTo(200);
  }

  @Test
  void tamperedBodyWrongSecretAndWrongVersion() throws Exception {
    long now = Instant.now().getEpochSecond();
    Map<String, String> headers = signed(now);
    assertRefused(fx.requests.sendRaw("POST", BODY.replace("challenge-1", "challenge-2"), headers), 401, "bad_signature");

    SlackRequests wrongSecret = new SlackRequests("not-the-secret", fx.requests.endpoint());
    assertRefused(wrongSecret.send(BODY), 401, "bad_signature");

    Map<String, String> v1 = signed(now);
    v1.put("X-Slack-Signature", v1.get("X-Slack-Signature").replace("v0=", "v1="));
    assertRefused(fx.requests.sendRaw("POST", BODY, v1), 401, "bad_version");
  }

  @Test
  void wrongMethodAndPath() throws Exception {
    HttpResponse<String> get = fx.requests.sendRaw("GET", null, Map.of());
    assertRefused(get, 405, "method_not_allowed");
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void malformedJsonAfterAValidSignature() throws Exception {
    assertRefused(fx.requests.send("{\"type\":\"event_callback\",\"event_id\":"), 400, "malformed");
    assertRefused(fx.requests.send("[1,2,3]"), 400, "malformed");
    assertRefused(fx.requests.send("{\"type\":\"event_callback\",\"event\":{\"type\":\"app_home_opened\"}}"), 400, "malformed");
  }

  @Test
  void unexpectedContentTypeAfterAValidSignature() throws Exception {
    Map<String, String> headers = signed(Instant.now().getEpochSecond());
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    assertRefused(fx.requests.sendRaw("POST", BODY, headers), 400, "unsupported_media_type");
  }

  @Test
  void declaredBodyOverOneMebibyteIsRefusedBeforeItIsSent() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), fx.endpoint.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + SlackRequests.EVENTS_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + (2 * 1024 * 1024) + "\r\n\r\n{\"type\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 413").contains("{\"ok\":false,\"error\":\"too_large\"}");
    }
  }

  @Test
  void chunkedBodyOverOneMebibyteIsRefused() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), fx.endpoint.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + SlackRequests.EVENTS_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      try {
        for (int i = 0; i < 20; i++) {
          out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      } catch (java.io.IOException closedEarly) {
        // the server may close before we finish: that is the point
      }
      String response = readStatusLine(socket.getInputStream());
      assertThat(response).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void garbageHttpGetsAJsonErrorAndTheServerKeepsServing() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), fx.endpoint.port())) {
      socket.getOutputStream().write("BLAH /\u0001 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 400").doesNotContain("Exception", "<html");
    }
    assertThat(fx.requests.send(BODY).statusCode()).isEqualTo(200);
  }

  @Test
  void refusalsAreCountedByOutcome() {
    double before = fx.count("flagstaff.slack.requests", "outcome", "bad_signature");
    new SlackRequests("wrong", fx.requests.endpoint()).send(BODY);
    assertThat(fx.count("flagstaff.slack.requests", "outcome", "bad_signature")).isEqualTo(before + 1);
  }

  private static String readStatusLine(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      line.append((char) c);
    }
    return line.toString();
  }
}
