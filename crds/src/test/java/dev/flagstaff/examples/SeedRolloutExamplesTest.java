package dev.flagstaff.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FlagResolution;
import dev.flagstaff.api.v1alpha1.Manifests;
import dev.flagstaff.flags.ActorBucket;
import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.flags.StateWords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The seed rollout's files are one resource at successive steps, and the READMEs say what the operators and
 * the bucketing really do: their tables are recomputed here from the files with the project's own resolution,
 * state words, ConfigMap codec and bucketing.
 */
class SeedRolloutExamplesTest {
  private static final Path SEED = Manifests.EXAMPLES.resolve("seed-rollout");
  private static final List<String> STEPS = List.of("01-define.yaml", "02-enable-non-production.yaml",
      "03-production-10-percent.yaml", "04-production-50-percent.yaml", "05-enable-globally.yaml", "06-rollback.yaml");
  private static final List<String> ENVIRONMENTS = List.of("dev", "staging", "staging-ref", "production");

  @Test
  void everyStepIsTheSameFlagSoApplyingThemInOrderIsTheRollout() {
    for (String step : STEPS) {
      FeatureFlag flag = read(step, 1);
      assertThat(flag.getMetadata().getName()).as(step).isEqualTo("slack-events-app-home-opened");
      assertThat(flag.flagKey()).as(step).isEqualTo("slack_events_app_home_opened");
      assertThat(flag.getSpec().getActorType()).as(step).isEqualTo("none");
      assertThat(flag.getSpec().getEnvironments()).as(step).containsOnlyKeys(ENVIRONMENTS);
      assertThat(flag.getSpec().getEnvironments().get("production").getRequires()).as(step).isEqualTo("staging");
    }
  }

  @Test
  void theReadmeStatesAreWhatEachEnvironmentsOperatorResolves() throws IOException {
    List<String> readme = Files.readAllLines(SEED.resolve("README.md"));
    for (String step : STEPS) {
      FeatureFlag flag = read(step, 1);
      List<String> expected = ENVIRONMENTS.stream()
          .map(env -> StateWords.of(FlagResolution.resolve(flag, env)))
          .toList();

      assertThat(row(readme, step, 6)).as("README row of %s", step).hasValueSatisfying(cells ->
          assertThat(cells.subList(2, 6)).isEqualTo(expected));
    }
  }

  @Test
  void theReadmeConfigMapValuesAreWhatProductionsOperatorWritesAtEachGeneration() throws IOException {
    List<String> readme = Files.readAllLines(SEED.resolve("README.md"));
    for (int i = 0; i < STEPS.size(); i++) {
      String step = STEPS.get(i);
      String written = FlagCodec.encode(FlagResolution.resolve(read(step, i + 1), "production"));

      assertThat(row(readme, step, 3)).as("README ConfigMap row of %s", step).hasValueSatisfying(cells ->
          assertThat(cells.get(2)).isEqualTo("`" + written + "`"));
    }
  }

  @Test
  void theActorReadmeBucketsAreFlippers() throws IOException {
    String readme = Files.readString(Manifests.EXAMPLES.resolve("actor-rollout/README.md"));
    String key = read(Manifests.EXAMPLES.resolve("actor-rollout/home-dashboard.yaml"), 1).flagKey();

    assertThat(readme).contains("bucket **" + ActorBucket.of("slack_events_app_home_opened", "User:1") + "**");
    for (String actor : List.of("User:1", "User:7", "User:42")) {
      assertThat(readme).contains("| `" + actor + "` | " + ActorBucket.of(key, actor) + " |");
    }
  }

  private static FeatureFlag read(String step, long generation) {
    return read(SEED.resolve(step), generation);
  }

  private static FeatureFlag read(Path file, long generation) {
    FeatureFlag flag = Manifests.read(file).get(0).toFeatureFlag();
    flag.getMetadata().setGeneration(generation);
    return flag;
  }

  /** The cells of the Markdown table row of {@code step} in a table of {@code columns} columns. */
  private static Optional<List<String>> row(List<String> lines, String step, int columns) {
    String link = "[" + step + "](" + step + ")";
    for (String line : lines) {
      if (!line.startsWith("|")) {
        continue;
      }
      List<String> cells = new ArrayList<>(Arrays.stream(line.substring(1).split("\\|")).map(String::trim).toList());
      if (cells.size() == columns && cells.get(1).equals(link)) {
        return Optional.of(cells);
      }
    }
    return Optional.empty();
  }
}
