package dev.flagstaff.bench;

import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.util.UnleashConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Unleash Java client bootstrapped offline from a features document (the /api/client/features format) given
 * by a ToggleBootstrapProvider: polling and metrics off, no synchronous fetch, the backup file pointed at a path
 * that does not exist so the bootstrap is what loads. The shapes as Unleash strategies: {@code default};
 * {@code flexibleRollout} at 25 with stickiness userId; {@code userWithId} over the ten listed ids. Contexts are
 * built once per actor in set-up.
 */
@State(Scope.Thread)
public class UnleashEvaluation extends EvaluationBenchmark {
  private Path backup;
  private Unleash unleash;
  private UnleashContext[] population;
  private UnleashContext[] listed;

  @Setup
  public void setUp() throws IOException {
    backup = Files.createTempFile("p1-unleash-backup-", ".json");
    Files.delete(backup);
    String features = features();
    UnleashConfig config = UnleashConfig.builder()
        .appName("flagstaff-p1")
        .instanceId("p1")
        .unleashAPI("http://127.0.0.1:9/api/") // never contacted: polling is off
        .disablePolling()
        .fetchTogglesInterval(0)
        .disableMetrics()
        .synchronousFetchOnInitialisation(false)
        .backupFile(backup.toString())
        .toggleBootstrapProvider(() -> Optional.of(features))
        .build();
    unleash = new DefaultUnleash(config);
    population = contexts(actorPool());
    listed = contexts(Shapes.listedPool());
    Agreement.check("Unleash (bootstrap)", a -> enabled(Shapes.FULLY_ON, context(a)),
        a -> enabled(Shapes.PERCENTAGE, context(a)), a -> enabled(Shapes.ACTOR_LIST, context(a)));
  }

  @TearDown
  public void tearDown() throws IOException {
    unleash.shutdown();
    Files.deleteIfExists(backup);
  }

  private boolean enabled(String key, UnleashContext context) {
    return unleash.isEnabled(key, context);
  }

  private static UnleashContext context(String actor) {
    return UnleashContext.builder().userId(actor).build();
  }

  private static UnleashContext[] contexts(String[] actors) {
    UnleashContext[] contexts = new UnleashContext[actors.length];
    for (int i = 0; i < actors.length; i++) {
      contexts[i] = context(actors[i]);
    }
    return contexts;
  }

  /** The three shapes as an Unleash client features document (version 2). */
  static String features() {
    String ids = String.join(",", Shapes.LISTED);
    return "{\"version\":2,\"features\":["
        + feature(Shapes.FULLY_ON, "{\"name\":\"default\",\"parameters\":{}}") + ","
        + feature(Shapes.PERCENTAGE, "{\"name\":\"flexibleRollout\",\"parameters\":{\"rollout\":\""
            + (int) Shapes.PERCENT + "\",\"stickiness\":\"userId\",\"groupId\":\"" + Shapes.PERCENTAGE + "\"}}") + ","
        + feature(Shapes.ACTOR_LIST, "{\"name\":\"userWithId\",\"parameters\":{\"userIds\":\"" + ids + "\"}}")
        + "]}";
  }

  private static String feature(String name, String strategy) {
    return "{\"name\":\"" + name + "\",\"type\":\"release\",\"enabled\":true,\"project\":\"default\","
        + "\"strategies\":[" + strategy + "]}";
  }

  @Benchmark
  public boolean fullyOn() {
    return enabled(Shapes.FULLY_ON, population[nextIndex()]);
  }

  @Benchmark
  public boolean percentageOfActors() {
    return enabled(Shapes.PERCENTAGE, population[nextIndex()]);
  }

  @Benchmark
  public boolean actorList() {
    return enabled(Shapes.ACTOR_LIST, listed[nextIndex()]);
  }
}
