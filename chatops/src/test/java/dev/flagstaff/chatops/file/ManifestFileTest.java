package dev.flagstaff.chatops.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.chatops.kubectl.KubectlFlagstaff;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubectl flagstaff ... --file}: the seed's lines edit a working copy's manifest into the seed's next file. */
class ManifestFileTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int plugin(String line, String... more) {
    List<String> args = new ArrayList<>(Arrays.asList(line.split(" ")));
    args.addAll(List.of(more));
    KubectlFlagstaff plugin = new KubectlFlagstaff((kubeconfig, context) -> {
      throw new AssertionError("--file must not reach a cluster");
    });
    return KubectlFlagstaff.run(plugin, args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
  }

  /** A step file without its leading comment lines, which say which step it is. */
  private static String body(String text) {
    return text.replaceFirst("(?s)^(#[^\n]*\n)+", "");
  }

  @Test
  void everySeedLineVerbatimEditsTheManifestIntoTheNextStepsFileExceptItsHeader() throws IOException {
    Path manifest = dir.resolve("slack-events-app-home-opened.yaml");
    Files.copy(SeedLines.SEED.resolve("01-define.yaml"), manifest);
    String header = Files.readString(manifest).substring(0, Files.readString(manifest).indexOf("apiVersion"));
    for (SeedLines.Step step : SeedLines.STEPS) {
      assertThat(plugin(step.line(), "--file", manifest.toString())).as(step.line() + "\n" + err).isZero();
      if (step.file() == null) {
        assertThat(manifest).doesNotExist();
        assertThat(out.toString()).contains("+++ /dev/null", "-  key: slack_events_app_home_opened", manifest + " deleted");
      } else {
        String edited = Files.readString(manifest);
        assertThat(edited).as(step.line()).startsWith(header);
        assertThat(body(edited)).as(step.line()).isEqualTo(body(Files.readString(SeedLines.SEED.resolve(step.file()))));
      }
    }
  }

  @Test
  void theDiffShowsOnlyTheNamedEnvironmentAndCommentsInsideTheEntriesStay() throws IOException {
    Path manifest = dir.resolve("flag.yaml");
    Files.writeString(manifest, Files.readString(SeedLines.SEED.resolve("02-enable-non-production.yaml"))
        .replace("    production:\n      enabled: false\n", "    production:  # the one that matters\n      enabled: false  # until QA says so\n"));

    assertThat(plugin("set slack_events_app_home_opened 10 --random --file " + manifest)).as(err.toString()).isZero();

    assertThat(out.toString()).isEqualTo("--- " + manifest + "\n+++ " + manifest + "\n"
        + "@@ -28,5 +28,7 @@\n"
        + "     staging-ref:\n"
        + "       enabled: true\n"
        + "     production:  # the one that matters\n"
        + "-      enabled: false  # until QA says so\n"
        + "+      enabled: true  # until QA says so\n"
        + "+      percentage: 10\n"
        + "+      strategy: random\n"
        + "       requires: staging\n"
        + manifest + " edited\n"
        + "  production: Disabled → 10% of time\n");
  }

  @Test
  void dryRunPrintsTheDiffOnlyAndANewEnvironmentIsAddedAfterTheOthers() throws IOException {
    Path manifest = dir.resolve("flag.yaml");
    Files.copy(SeedLines.SEED.resolve("02-enable-non-production.yaml"), manifest);
    String before = Files.readString(manifest);

    assertThat(plugin("set slack_events_app_home_opened true --canary --dry-run --file " + manifest)).isZero();

    assertThat(Files.readString(manifest)).isEqualTo(before);
    assertThat(out.toString()).endsWith("       requires: staging\n+    canary:\n+      enabled: true\n")
        .doesNotContain("edited");
  }

  @Test
  void theConsistencyRefusalLeavesTheFileAsItWasAndSaysWhatToType() throws IOException {
    Path manifest = dir.resolve("flag.yaml");
    Files.copy(SeedLines.SEED.resolve("01-define.yaml"), manifest);
    String before = Files.readString(manifest);

    assertThat(plugin("/chatops run feature set slack_events_app_home_opened true --file " + manifest)).isEqualTo(1);

    assertThat(Files.readString(manifest)).isEqualTo(before);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("production requires staging, and staging is disabled")
        .contains("  kubectl flagstaff set slack_events_app_home_opened true --staging\n");
  }

  @Test
  void aFlagTheFileDoesNotHoldIsRefusedAndAMistypedLineIsAUsageError() throws IOException {
    Path manifest = dir.resolve("flag.yaml");
    Files.copy(SeedLines.SEED.resolve("01-define.yaml"), manifest);

    assertThat(plugin("set other_flag true --file " + manifest)).isEqualTo(1);
    assertThat(err.toString()).contains("holds no FeatureFlag with key or name 'other_flag'");
    assertThat(plugin("set slack_events_app_home_opened 10 --file " + manifest)).isEqualTo(2);
    assertThat(err.toString()).contains("kubectl flagstaff set slack_events_app_home_opened 10 --random");
  }
}
