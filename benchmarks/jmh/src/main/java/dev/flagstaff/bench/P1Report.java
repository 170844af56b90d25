package dev.flagstaff.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints P1's table from a JMH JSON result: for each shape and implementation, ns/op as score ± 99.9% error, the
 * median and range of the measurement iterations, B/op ({@code gc.alloc.rate.norm}, needs {@code -prof gc}), and
 * each implementation's time as a multiple of Flagstaff's (the snapshot variant, which looks the flag up by name as
 * the peers do).
 *
 * <p>Usage: {@code java -cp benchmarks/jmh/target/benchmarks.jar dev.flagstaff.bench.P1Report <result.json>}
 */
public final class P1Report {
  private static final List<String> SHAPES = List.of("fullyOn", "percentageOfActors", "actorList");
  private static final Map<String, String> IMPLEMENTATIONS = new LinkedHashMap<>();

  static {
    IMPLEMENTATIONS.put("FlagstaffEvaluatorOnly", "Flagstaff, evaluator only");
    IMPLEMENTATIONS.put("FlagstaffEvaluation", "Flagstaff, snapshot lookup + evaluator");
    IMPLEMENTATIONS.put("FlagdEvaluation", "OpenFeature + flagd (FILE)");
    IMPLEMENTATIONS.put("UnleashEvaluation", "Unleash (offline bootstrap)");
  }

  private static final String BASELINE = "FlagstaffEvaluation";

  private P1Report() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: P1Report <jmh-result.json>");
      System.exit(2);
    }
    JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode result : results) {
      String benchmark = result.path("benchmark").asText();
      int dot = benchmark.lastIndexOf('.');
      String impl = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
      byName.put(impl + "." + benchmark.substring(dot + 1), result);
    }
    System.out.println("| shape | implementation | ns/op (score ± error) | median [min – max] | B/op | × Flagstaff |");
    System.out.println("|---|---|---:|---:|---:|---:|");
    for (String shape : SHAPES) {
      JsonNode baseline = byName.get(BASELINE + "." + shape);
      for (Map.Entry<String, String> impl : IMPLEMENTATIONS.entrySet()) {
        JsonNode result = byName.get(impl.getKey() + "." + shape);
        if (result == null) {
          continue;
        }
        JsonNode primary = result.path("primaryMetric");
        double score = primary.path("score").asDouble();
        JsonNode percentiles = primary.path("scorePercentiles");
        String ratio = baseline == null ? "n/a"
            : String.format("%.1f×", score / baseline.path("primaryMetric").path("score").asDouble());
        System.out.printf("| %s | %s | %s ± %s | %s [%s – %s] | %s | %s |%n", shape, impl.getValue(),
            fmt(score), fmt(primary.path("scoreError").asDouble()), fmt(percentiles.path("50.0").asDouble()),
            fmt(percentiles.path("0.0").asDouble()), fmt(percentiles.path("100.0").asDouble()),
            allocation(result), ratio);
      }
    }
  }

  /** gc.alloc.rate.norm; older JMH versions prefix the name with a middle dot. */
  private static String allocation(JsonNode result) {
    var fields = result.path("secondaryMetrics").fields();
    while (fields.hasNext()) {
      var field = fields.next();
      if (field.getKey().endsWith("gc.alloc.rate.norm")) {
        double bytes = field.getValue().path("score").asDouble();
        return bytes < 0.01 ? String.format("%.3f", bytes) : String.format("%.1f", bytes);
      }
    }
    return "n/a (run with -prof gc)";
  }

  private static String fmt(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    return value >= 100 ? String.format("%.0f", value) : String.format("%.2f", value);
  }
}
