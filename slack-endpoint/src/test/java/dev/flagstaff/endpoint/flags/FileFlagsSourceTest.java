package dev.flagstaff.endpoint.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.endpoint.EndpointMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both file forms, driven by calling poll() directly (no timing involved). */
class FileFlagsSourceTest {
  @TempDir Path tmp;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final FlagsStore store = new FlagsStore(new EndpointMetrics(registry, "f"), Clock.systemUTC());

  @Test
  void configMapVolumeWithDataSymlinkSwap() throws Exception {
    Path dir = tmp.resolve("mount");
    Files.createDirectories(dir.resolve("..2026_01_01_v1"));
    Files.writeString(dir.resolve("..2026_01_01_v1/f"), "{\"enabled\":true}");
    Files.createSymbolicLink(dir.resolve("..data"), Path.of("..2026_01_01_v1"));
    Files.createSymbolicLink(dir.resolve("f"), Path.of("..data/f"));
    FileFlagsSource source = new FileFlagsSource(dir, store, Duration.ofHours(1));
    source.poll();
    assertThat(store.evaluate("f", "U1").enabled()).isTrue();
    assertThat(store.snapshot().flags()).containsOnlyKeys("f");

    // Kubernetes writes the new version beside the old one and swaps the ..data link atomically.
    Files.createDirectories(dir.resolve("..2026_01_01_v2"));
    Files.writeString(dir.resolve("..2026_01_01_v2/f"), "{\"enabled\":false}");
    Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..2026_01_01_v2"));
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    source.poll();
    assertThat(store.evaluate("f", "U1").reason()).isEqualTo("disabled");
    source.close();
  }

  @Test
  void singleJsonFileCorruptionAndDeletionKeepTheLastGood() throws Exception {
    Path file = tmp.resolve("flags.json");
    Files.writeString(file, "{\"f\":{\"enabled\":true},\"g\":\"{\\\"enabled\\\":false}\"}");
    FileFlagsSource source = new FileFlagsSource(file, store, Duration.ofHours(1));
    source.poll();
    assertThat(store.evaluate("f", null).enabled()).isTrue();
    assertThat(store.evaluate("g", null).reason()).isEqualTo("disabled");

    Files.writeString(file, "{\"f\":");
    source.poll();
    assertThat(store.evaluate("f", null).enabled()).isTrue();
    assertThat(store.snapshot().problems()).containsKey("");
    assertThat(registry.get("flagstaff.flags.invalid").counter().count()).isEqualTo(1);

    Files.delete(file);
    source.poll();
    assertThat(store.snapshot().stale()).isTrue();
    assertThat(store.evaluate("f", null).enabled()).isTrue();
    source.close();
  }
}
