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
}
