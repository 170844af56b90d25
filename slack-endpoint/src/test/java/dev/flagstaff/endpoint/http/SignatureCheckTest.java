package dev.flagstaff.endpoint.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.app_backend.SlackSignature;
import dev.flagstaff.endpoint.http.SignatureCheck.Result;
import dev.flagstaff.runtime.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SignatureCheckTest {
  static final long NOW = 1_700_000_000L;
  static final String SECRET = "signing-secret";
  static final String BODY = "{\"type\":\"event_callback\",\"text\":\"caf\u00e9 \u2603\"}";
  final SignatureCheck check = new SignatureCheck(new Secret(SECRET), Duration.ofMinutes(5),
      Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  static String sign(long ts, String body) {
    return new SlackSignature.Generator(SECRET).generate(Long.toString(ts), body);
  }

  Result verify(long ts, String signature, String body) {
    return check.check(Long.toString(ts), signature, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void acceptsSlacksSignatureIncludingNonAsciiBodies() {
    assertThat(verify(NOW, sign(NOW, BODY), BODY)).isEqualTo(Result.OK);
  }

  @Test
  void theWindowIsFiveMinutesEitherWay() {
    assertThat(verify(NOW - 300, sign(NOW - 300, BODY), BODY)).isEqualTo(Result.OK);
    assertThat(verify(NOW - 301, sign(NOW - 301, BODY), BODY)).isEqualTo(Result.STALE);
    assertThat(verify(NOW + 300, sign(NOW + 300, BODY), BODY)).isEqualTo(Result.OK);
    assertThat(verify(NOW + 301, sign(NOW + 301, BODY), BODY)).isEqualTo(Result.FUTURE);
  }

  @Test
  void refusesTamperingAndMalformedHeaders() {
    assertThat(verify(NOW, sign(NOW, BODY), BODY + " ")).isEqualTo(Result.BAD_SIGNATURE);
    assertThat(verify(NOW, sign(NOW - 1, BODY), BODY)).isEqualTo(Result.BAD_SIGNATURE);
    assertThat(verify(NOW, sign(NOW, BODY).replace("v0=", "v1="), BODY)).isEqualTo(Result.BAD_VERSION);
    assertThat(verify(NOW, sign(NOW, BODY).substring(0, 20), BODY)).isEqualTo(Result.BAD_SIGNATURE);
    assertThat(check.check(null, sign(NOW, BODY), new byte[0])).isEqualTo(Result.MISSING_HEADER);
    assertThat(check.check(Long.toString(NOW), null, new byte[0])).isEqualTo(Result.MISSING_HEADER);
    assertThat(check.check("-5", "v0=00", new byte[0])).isEqualTo(Result.BAD_TIMESTAMP);
    assertThat(check.check("1e9", "v0=00", new byte[0])).isEqualTo(Result.BAD_TIMESTAMP);
    assertThat(check.check("99999999999999999999", "v0=00", new byte[0])).isEqualTo(Result.BAD_TIMESTAMP);
  }

  @Test
  void agreesWithTheSlackSdkOnBodiesOfEveryShape() {
    Random random = new Random(42);
    for (int n = 0; n < 500; n++) {
      StringBuilder body = new StringBuilder();
      int length = random.nextInt(2048);
      for (int i = 0; i < length; i++) {
        // ASCII mostly, with Latin-1, BMP and supplementary characters among them
        int kind = random.nextInt(10);
        body.appendCodePoint(kind < 7 ? 32 + random.nextInt(95) : kind < 8 ? 0xa0 + random.nextInt(0x60)
            : kind < 9 ? 0x400 + random.nextInt(0x2000) : 0x1f600 + random.nextInt(0x40));
      }
      long ts = NOW - random.nextInt(300);
      assertThat(verify(ts, sign(ts, body.toString()), body.toString())).isEqualTo(Result.OK);
      assertThat(verify(ts, sign(ts, body + "x"), body.toString())).isEqualTo(Result.BAD_SIGNATURE);
    }
  }

  @Test
  void theSignatureCoversTheBytesSentNotTheTextTheyDecodeTo() throws Exception {
    // Three byte sequences that a decoder turns into the same text ("\uFFFD\uFFFD"): a lone continuation byte
    // pair, an overlong '/', and the two replacement characters themselves. One signature, one body.
    byte[][] variants = {{'"', (byte) 0x80, (byte) 0x80, '"'}, {'"', (byte) 0xC0, (byte) 0xAF, '"'},
        ("\"\uFFFD\uFFFD\"").getBytes(StandardCharsets.UTF_8)};
    String ts = Long.toString(NOW);
    for (int signed = 0; signed < variants.length; signed++) {
      String signature = hmac(ts, variants[signed]);
      for (int sent = 0; sent < variants.length; sent++) {
        assertThat(check.check(ts, signature, variants[sent]))
            .as("signed variant %d, sent variant %d", signed, sent)
            .isEqualTo(signed == sent ? Result.OK : Result.BAD_SIGNATURE);
      }
    }
  }

  /** Slack's scheme computed independently, over raw bytes. */
  static String hmac(String ts, byte[] body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update(("v0:" + ts + ":").getBytes(StandardCharsets.US_ASCII));
    return "v0=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void oneCheckServesManyThreadsAtOnce() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<Result>> results = new ArrayList<>();
      for (int n = 0; n < 2_000; n++) {
        String body = BODY + n;
        boolean tampered = n % 3 == 0;
        results.add(threads.submit(() -> verify(NOW, sign(NOW, tampered ? body + " " : body), body)));
      }
      for (int n = 0; n < results.size(); n++) {
        assertThat(results.get(n).get()).isEqualTo(n % 3 == 0 ? Result.BAD_SIGNATURE : Result.OK);
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
