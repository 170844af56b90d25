package dev.flagstaff.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Helm installs the CRD from the chart's crds/; it must be the one the build generates. */
class CrdCopyTest {
  private static final Path GENERATED = Path.of(System.getProperty("flagstaff.crd", "../crds/featureflags.flagstaff.dev-v1.yml"));
  private static final Path IN_CHART = Chart.DIR.resolve("crds/featureflags.flagstaff.dev-v1.yml");

  @Test
  void theChartInstallsTheGeneratedCrdUnchanged() throws IOException {
    assertThat(Files.mismatch(GENERATED, IN_CHART))
        .as("helm/flagstaff/crds/ is stale; refresh it with:%n"
            + "  cp crds/featureflags.flagstaff.dev-v1.yml helm/flagstaff/crds/")
        .isEqualTo(-1L);
  }

  @Test
  void theChartHasNoOtherCrd() throws IOException {
    try (var files = Files.list(IN_CHART.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("featureflags.flagstaff.dev-v1.yml");
    }
  }
}
