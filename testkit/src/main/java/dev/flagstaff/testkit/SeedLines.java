package dev.flagstaff.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The seed rollout's ChatOps lines, verbatim from examples/seed-rollout/README.md, with the file each leads to: what
 * the ChatOps tests (plugin, slash command) and {@code ./flagstaff demo --chatops} send.
 */
public final class SeedLines {
  /** examples/seed-rollout, from a module's folder (the tests) or the repository's (the demo). */
  public static final Path SEED = Files.isDirectory(Path.of("examples", "seed-rollout"))
      ? Path.of("examples", "seed-rollout") : Path.of("..", "examples", "seed-rollout");

  /** A line and the step file whose spec it produces from the previous step's (null: the resource is deleted). */
  public record Step(String line, String file) {}

  public static final List<Step> STEPS = List.of(
      new Step("/chatops run feature set slack_events_app_home_opened true --dev --staging --staging-ref",
          "02-enable-non-production.yaml"),
      new Step("/chatops run feature set slack_events_app_home_opened 10 --random", "03-production-10-percent.yaml"),
      new Step("/chatops run feature set slack_events_app_home_opened 50 --random", "04-production-50-percent.yaml"),
      new Step("/chatops run feature set slack_events_app_home_opened true", "05-enable-globally.yaml"),
      new Step("/chatops run feature set slack_events_app_home_opened false", "06-rollback.yaml"),
      new Step("/chatops run feature delete slack_events_app_home_opened --dev --staging --staging-ref --production",
          null));

  private SeedLines() {}

  public static ObjectNode read(String file) {
    try {
      return (ObjectNode) new YAMLMapper().readTree(SEED.resolve(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
