package dev.flagstaff.bench;

import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The OpenFeature Java SDK with the flagd provider evaluating in-process from a flag-definition file (resolver
 * FILE): no flagd daemon, no network. The shapes as flagd definitions: a static flag whose default variant is on;
 * {@code fractional} 25/75 over flag key + targetingKey; {@code in} over the ten listed ids. Evaluation contexts
 * are built once per actor in set-up, so the measured cost is the SDK's evaluation, not building the context.
 */
@State(Scope.Thread)
public class FlagdEvaluation extends EvaluationBenchmark {
  private static final String DOMAIN = "p1-flagd";

  private Path file;
  private Client client;
  private EvaluationContext[] population;
  private EvaluationContext[] listed;

  @Setup
  public void setUp() throws Exception {
    file = Files.createTempFile("p1-flagd-", ".json");
    Files.writeString(file, definitions(), StandardCharsets.UTF_8);
    FlagdProvider provider = new FlagdProvider(FlagdOptions.builder()
        .resolverType(Config.Resolver.FILE)
        .offlineFlagSourcePath(file.toString())
        .build());
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    api.setProviderAndWait(DOMAIN, provider);
    client = api.getClient(DOMAIN);

    population = contexts(actorPool());
    listed = contexts(Shapes.listedPool());
    requireNoError(Shapes.FULLY_ON);
    requireNoError(Shapes.PERCENTAGE);
    requireNoError(Shapes.ACTOR_LIST);
    Agreement.check("OpenFeature + flagd (FILE)", a -> enabled(Shapes.FULLY_ON, new ImmutableContext(a)),
        a -> enabled(Shapes.PERCENTAGE, new ImmutableContext(a)),
        a -> enabled(Shapes.ACTOR_LIST, new ImmutableContext(a)));
  }

  @TearDown
  public void tearDown() throws IOException {
    OpenFeatureAPI.getInstance().getProvider(DOMAIN).shutdown();
    Files.deleteIfExists(file);
  }

  private boolean enabled(String key, EvaluationContext context) {
    return client.getBooleanValue(key, false, context);
  }

  private void requireNoError(String key) {
    FlagEvaluationDetails<Boolean> details = client.getBooleanDetails(key, false, new ImmutableContext("U0000000017"));
    if (details.getErrorCode() != null) {
      throw new IllegalStateException("flagd cannot evaluate " + key + ": " + details.getErrorCode() + " "
          + details.getErrorMessage());
    }
  }

  private static EvaluationContext[] contexts(String[] actors) {
    EvaluationContext[] contexts = new EvaluationContext[actors.length];
    for (int i = 0; i < actors.length; i++) {
      contexts[i] = new ImmutableContext(actors[i]);
    }
    return contexts;
  }

  /** The three shapes in flagd's flag-definition format (https://flagd.dev/schema/v0/flags.json). */
  static String definitions() {
    String ids = Shapes.LISTED.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(","));
    int on = (int) Shapes.PERCENT;
    return "{\"$schema\":\"https://flagd.dev/schema/v0/flags.json\",\"flags\":{"
        + flag(Shapes.FULLY_ON, "on", null) + ","
        + flag(Shapes.PERCENTAGE, "off", "{\"fractional\":[[\"on\"," + on + "],[\"off\"," + (100 - on) + "]]}") + ","
        + flag(Shapes.ACTOR_LIST, "off", "{\"if\":[{\"in\":[{\"var\":\"targetingKey\"},[" + ids + "]]},\"on\",\"off\"]}")
        + "}}";
  }

  private static String flag(String key, String defaultVariant, String targeting) {
    return "\"" + key + "\":{\"state\":\"ENABLED\",\"variants\":{\"on\":true,\"off\":false},\"defaultVariant\":\""
        + defaultVariant + "\"" + (targeting == null ? "" : ",\"targeting\":" + targeting) + "}";
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
