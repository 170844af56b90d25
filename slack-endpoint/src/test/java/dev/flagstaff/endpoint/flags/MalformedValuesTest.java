package dev.flagstaff.endpoint.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.endpoint.EndpointMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz-style: many malformed values (depth, size, numbers, encodings, types) in one key, and in every case a
 * rollback of another key still lands, the bad key shows its problem in /flags and in the metric, and the store
 * stays ready. Through the store directly (the ConfigMap path) and through both file forms.
 */
class MalformedValuesTest {
  static final String APP = "slack_events_app_home_opened";
  static final String BAD = "unrelated_key";

  @TempDir Path tmp;

  /** Text values: what a ConfigMap can hold (the API server guarantees UTF-8 text in data). */
  static List<String> malformedTexts() {
    List<String> values = new ArrayList<>(List.of(
        "[".repeat(1001) + "]".repeat(1001),
        "{\"a\":".repeat(1001) + "1" + "}".repeat(1001),
        "{\"enabled\":true,\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
        "[".repeat(200_000),
        "{\"enabled\":true,\"percentage\":" + "9".repeat(1001) + ",\"strategy\":\"random\"}",
        "{\"enabled\":true,\"percentage\":1e999999,\"strategy\":\"random\"}",
        "{\"enabled\":true,\"percentage\":0." + "1".repeat(5000) + ",\"strategy\":\"random\"}",
        "{\"enabled\":true,\"percentage\":NaN,\"strategy\":\"random\"}",
        "{\"enabled\":true,\"percentage\":-0.5,\"strategy\":\"random\"}",
        "{\"enabled\":true,\"percentage\":\"25\",\"strategy\":\"random\"}",
        "{\"enabled\":true,\"percentage\":25}",
        "{\"enabled\":true,\"percentage\":25,\"strategy\":{\"name\":\"actors\"}}",
        "{\"enabled\":true,\"percentage\":25,\"strategy\":\"" + "x".repeat(100_000) + "\"}",
        "{\"enabled\":true,\"generation\":" + "1".repeat(1001) + "}",
        "{\"enabled\":true,\"actors\":[1,2,3]}",
        "{\"enabled\":true,\"actors\":\"U1\"}",
        "{\"enabled\":\"true\"}",
        "{\"enabled\":1}",
        "{\"enabled\":tru",
        "{\"enabled\":true}}",
        "{\"enabled\":true} trailing",
        "\uFEFF{\"enabled\":true",
        "{\"enabled\":true,\"actors\":[\"\\uD800\"]",
        "{\"enabled\":true,\"actors\":[\"\\u00\"]}",
        "{\"enabled\":true,\u0000}",
        "{\"" + "k".repeat(1_000_000) + "\":",
        "\"" + "s".repeat(1_000_000),
        "null", "true", "42", "[]", "\"text\"", "", " ", "\u0000", "\uFFFD\uFFFD"));
    Random random = new Random(11);
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[1 + random.nextInt(64)];
      random.nextBytes(bytes);
      bytes[0] = '{';
      values.add(new String(bytes, StandardCharsets.UTF_8));
    }
    return values;
  }

  @Test
  void everyMalformedValueInOneKeyLetsARollbackInAnotherLand() {
    for (String bad : malformedTexts()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      FlagsStore store = new FlagsStore(new EndpointMetrics(registry, APP), Clock.systemUTC());
      store.update(Map.of(APP, "{\"enabled\":true}", BAD, "{\"enabled\":true}"), "1");
      store.update(Map.of(APP, "{\"enabled\":true}", BAD, bad), "2");
      store.update(Map.of(APP, "{\"enabled\":false}", BAD, bad), "3");

      String shown = abbreviated(bad);
      assertThat(store.evaluate(APP, "U1").reason()).as("rollback with %s", shown).isEqualTo("disabled");
      assertThat(store.snapshot().version()).isEqualTo("3");
      assertThat(store.ready()).isTrue();
      assertThat(store.evaluate(BAD, "U1").enabled()).as("last good of %s", shown).isTrue();
      String problem = new FlagsEndpoints(store, "test", Clock.systemUTC()).all()
          .path("problems").path(BAD).asText();
      assertThat(problem).as("problem for %s", shown).startsWith("invalid value").hasSizeLessThan(400);
      assertThat(registry.get("flagstaff.flags.invalid").counter().count()).as(shown).isEqualTo(1);
    }
  }

  @Test
  void inADirectoryMountEveryMalformedFileIsRefusedForItsKeyOnly() throws Exception {
    List<byte[]> values = new ArrayList<>();
    malformedTexts().forEach(v -> values.add(v.getBytes(StandardCharsets.UTF_8)));
    values.addAll(notUtf8());
    for (byte[] bad : values) {
      Path dir = Files.createTempDirectory(tmp, "mount");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      FlagsStore store = new FlagsStore(new EndpointMetrics(registry, APP), Clock.systemUTC());
      FileFlagsSource source = new FileFlagsSource(dir, store, Duration.ofHours(1));
      Files.writeString(dir.resolve(APP), "{\"enabled\":true}");
      Files.writeString(dir.resolve(BAD), "{\"enabled\":true}");
      source.poll();
      Files.write(dir.resolve(BAD), bad);
      source.poll();
      Files.writeString(dir.resolve(APP), "{\"enabled\":false}");
      source.poll();

      String shown = abbreviated(new String(bad, StandardCharsets.UTF_8));
      if (bad.length > 0 && new String(bad, StandardCharsets.UTF_8).trim().equals("{\"enabled\":true}")) {
        continue;
      }
      assertThat(store.evaluate(APP, "U1").reason()).as("rollback with %s", shown).isEqualTo("disabled");
      assertThat(store.evaluate(BAD, "U1").enabled()).as("last good of %s", shown).isTrue();
      assertThat(store.snapshot().problems()).as(shown).containsOnlyKeys(BAD);
      assertThat(registry.get("flagstaff.flags.invalid").counter().count()).as(shown).isEqualTo(1);
      source.close();
    }
  }

  @Test
  void inOneJsonFileEveryMalformedValueIsRefusedForItsKeyOnly() throws Exception {
    List<String> nested = List.of(
        "[".repeat(1001) + "]".repeat(1001),
        "{\"enabled\":true,\"percentage\":" + "9".repeat(1001) + ",\"strategy\":\"random\"}",
        "{\"enabled\":true,\"x\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000) + "}",
        "{\"enabled\":\"yes\"}",
        "12345678901234567890123456789012345678901234567890",
        "\"{\\\"enabled\\\":tru\"");
    List<byte[]> files = new ArrayList<>();
    for (String value : nested) {
      files.add(file(value.getBytes(StandardCharsets.UTF_8)));
    }
    for (byte[] bytes : notUtf8()) {
      byte[] quoted = new byte[bytes.length + 2];
      quoted[0] = '"';
      System.arraycopy(bytes, 0, quoted, 1, bytes.length);
      quoted[quoted.length - 1] = '"';
      files.add(file(quoted));
    }
    for (byte[] content : files) {
      Path file = Files.createTempFile(tmp, "flags", ".json");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      FlagsStore store = new FlagsStore(new EndpointMetrics(registry, APP), Clock.systemUTC());
      FileFlagsSource source = new FileFlagsSource(file, store, Duration.ofHours(1));
      Files.writeString(file, "{\"" + APP + "\":{\"enabled\":true},\"" + BAD + "\":{\"enabled\":true}}");
      source.poll();
      Files.write(file, content);
      source.poll();
      Files.write(file, new String(content, StandardCharsets.ISO_8859_1)
          .replace("{\"enabled\":true}", "{\"enabled\":false}").getBytes(StandardCharsets.ISO_8859_1));
      source.poll();

      String shown = abbreviated(new String(content, StandardCharsets.UTF_8));
      assertThat(store.evaluate(APP, "U1").reason()).as("rollback with %s", shown).isEqualTo("disabled");
      assertThat(store.evaluate(BAD, "U1").enabled()).as("last good of %s", shown).isTrue();
      assertThat(store.snapshot().problems()).as(shown).containsOnlyKeys(BAD);
      assertThat(registry.get("flagstaff.flags.invalid").counter().count()).as(shown).isEqualTo(1);
      source.close();
    }
  }

  /** A flags file whose App Home flag is on and whose other key holds {@code bad} (raw JSON bytes). */
  private static byte[] file(byte[] bad) {
    byte[] head = ("{\"" + APP + "\":{\"enabled\":true},\"" + BAD + "\":").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + bad.length + 1];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(bad, 0, out, head.length, bad.length);
    out[out.length - 1] = '}';
    return out;
  }

  /** Byte sequences that are not UTF-8: a lone continuation byte, an overlong '/', a truncated sequence, a surrogate. */
  private static List<byte[]> notUtf8() {
    return List.of(new byte[] {'{', (byte) 0x80, '}'}, new byte[] {(byte) 0xC0, (byte) 0xAF},
        new byte[] {'x', (byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        new byte[] {(byte) 0xFF, (byte) 0xFE, '{'});
  }

  private static String abbreviated(String value) {
    return value.length() <= 60 ? value : value.substring(0, 60) + "... (" + value.length() + " chars)";
  }
}
