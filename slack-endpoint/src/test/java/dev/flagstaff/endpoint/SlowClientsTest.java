package dev.flagstaff.endpoint;

import static dev.flagstaff.endpoint.EndpointFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.testkit.SlackRequests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that announce a body and send it slowly, or never, hold no thread: more of them than the Events port has
 * threads still leave signed events answered; past the request deadline each gets 408 and its connection closes.
 * And the body is checked as the bytes Slack sent.
 */
class SlowClientsTest {
  @TempDir Path tmp;
  EndpointFixture fx;
  final List<Socket> slow = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : slow) {
      socket.close();
    }
    fx.close();
  }

  /** A POST that announces a 300-byte body and sends its first byte only. */
  private Socket stalled() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), fx.endpoint.port());
    OutputStream out = socket.getOutputStream();
    out.write(("POST " + SlackRequests.EVENTS_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: 300\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    slow.add(socket);
    return socket;
  }

  @Test
  void moreStalledBodiesThanThreadsStillLeaveSignedEventsAnswered() throws Exception {
    fx = EndpointFixture.start(tmp, Map.of("FLAGSTAFF_REQUEST_DEADLINE", "60s"));
    for (int i = 0; i < 100; i++) {
      stalled();
    }
    // The 64-thread pool would be exhausted if each stalled body parked a thread: these would then wait for the
    // 30 s idle timeout of the stalled ones, past the client's timeout.
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int n = 0; n < 5; n++) {
      String body = SlackRequests.appHomeOpened("EvSlow" + n, "T1", "U1", "home", null);
      HttpRequest.Builder request = HttpRequest.newBuilder(fx.requests.endpoint()).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString(body));
      fx.requests.signedHeaders(body).forEach(request::header);
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }
    assertThat(slow).allMatch(s -> !s.isClosed());
  }

  @Test
  void aBodyNotWholeWithinTheDeadlineGets408AndItsConnectionCloses() throws Exception {
    fx = EndpointFixture.start(tmp, Map.of("FLAGSTAFF_REQUEST_DEADLINE", "1s"));
    Socket socket = stalled();
    String answer = readToEnd(socket.getInputStream());
    assertThat(answer).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"");
    await().until(() -> fx.count("flagstaff.slack.requests", "outcome", "request_timeout") == 1);
  }

  @Test
  void invalidUtf8AfterAValidSignatureIs400AndWithABadSignature401() throws Exception {
    fx = EndpointFixture.start(tmp, Map.of());
    byte[] body = "{\"type\":\"url_verification\",\"challenge\":\"\u0000\"}".getBytes(StandardCharsets.UTF_8);
    body[body.length - 3] = (byte) 0xC0; // an overlong form: not UTF-8
    long now = Instant.now().getEpochSecond();
    HttpResponse<String> signed = post(body, now, hmac(now, body));
    assertThat(signed.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(signed.body()).get("error").asText()).isEqualTo("invalid_utf8");

    byte[] other = body.clone();
    other[other.length - 3] = (byte) 0x80;
    HttpResponse<String> forged = post(other, now, hmac(now, body));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(forged.body()).get("error").asText()).isEqualTo("bad_signature");
  }

  private HttpResponse<String> post(byte[] body, long timestamp, String signature) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.endpoint.port()
            + SlackRequests.EVENTS_PATH)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").header("X-Slack-Request-Timestamp", Long.toString(timestamp))
        .header("X-Slack-Signature", signature).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String hmac(long timestamp, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(EndpointFixture.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.US_ASCII));
    return "v0=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
  }

  private static String readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    return all.toString(StandardCharsets.UTF_8);
  }
}
