package dev.flagstaff.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The optional Grafana dashboard, and that it asks Prometheus for metrics the code really exports. */
class GrafanaDashboardTest {
  private static final Path SOURCES = Path.of(System.getProperty("flagstaff.sources", ".."));
  private static final Pattern METER = Pattern.compile(
      "\\b(Counter|Gauge|Timer|DistributionSummary|FunctionCounter|TimeGauge)\\.builder\\(\\s*\"([a-z0-9_.]+)\"");
  private static final Pattern PROMQL_METRIC = Pattern.compile("\\bflagstaff_[a-z0-9_]+");

  @Test
  void theDashboardIsAConfigMapForGrafanasSidecarOnlyWhenAskedFor() throws IOException {
    assertThat(Chart.render(Values.DEFAULTS).ofType(ConfigMap.class)).isEmpty();

    ConfigMap dashboard = Chart.render(Values.NON_DEFAULT).get(ConfigMap.class, "fs-dashboard");
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("flagstaff.json"));
    assertThat(json.path("title").asText()).isEqualTo("Flagstaff");
    assertThat(titles(json)).contains(
        "Flag states", "Rollout: share of evaluations that were on", "Reconcile outcomes",
        "Event outcomes", "Publish errors");
  }

  @Test
  void everyMetricTheDashboardQueriesIsExportedByTheOperatorOrTheEndpoint() throws IOException {
    Set<String> exported = exportedPrometheusNames();
    assertThat(exported).as("metrics found in the sources").contains("flagstaff_reconciles_total");

    String dashboard = Files.readString(Chart.DIR.resolve("dashboards/flagstaff.json"));
    Set<String> queried = new TreeSet<>();
    Matcher matcher = PROMQL_METRIC.matcher(dashboard);
    while (matcher.find()) {
      queried.add(matcher.group());
    }
    assertThat(queried).isNotEmpty();
    assertThat(exported).containsAll(queried);
  }

  /** Micrometer names in operator/ and slack-endpoint/ sources, as the Prometheus registry exposes them. */
  private static Set<String> exportedPrometheusNames() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String module : List.of("operator", "slack-endpoint", "runtime")) {
      Path main = SOURCES.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(main)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(main)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher matcher = METER.matcher(Files.readString(file));
          while (matcher.find()) {
            String base = matcher.group(2).replace('.', '_');
            switch (matcher.group(1)) {
              case "Counter", "FunctionCounter" -> names.add(base + "_total");
              case "Timer" -> {
                for (String suffix : List.of("_seconds_bucket", "_seconds_count", "_seconds_sum", "_seconds_max")) {
                  names.add(base + suffix);
                }
              }
              case "DistributionSummary" -> {
                for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
                  names.add(base + suffix);
                }
              }
              default -> names.add(base);
            }
          }
        }
      }
    }
    return names;
  }

  private static List<String> titles(JsonNode dashboard) {
    List<String> titles = new ArrayList<>();
    dashboard.path("panels").forEach(panel -> titles.add(panel.path("title").asText()));
    return titles;
  }
}
