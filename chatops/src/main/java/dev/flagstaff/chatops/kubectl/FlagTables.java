package dev.flagstaff.chatops.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstaff.chatops.command.Plan;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code get} and {@code list} print: every environment's state as the resource says it, then this cluster's
 * status as its operator wrote it (Ready, Phase, Effective, Propagated), in kubectl's column style.
 */
public final class FlagTables {
  private static final String NONE = "-";

  private FlagTables() {}

  public static String get(JsonNode flag) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("ENVIRONMENT", "STATE", "REQUIRES"));
    boolean defaultEnabled = flag.path("spec").path("defaultEnabled").asBoolean(false);
    flag.path("spec").path("environments").fields().forEachRemaining(e -> rows.add(List.of(e.getKey(),
        Plan.words(e.getValue(), defaultEnabled), e.getValue().path("requires").asText(NONE))));
    rows.add(List.of("(any other)", defaultEnabled ? "Enabled" : "Disabled", NONE));
    StringBuilder out = new StringBuilder("Name: ").append(flag.path("metadata").path("name").asText())
        .append("\nKey:  ").append(ClusterFlags.keyOf(flag)).append("\n\n").append(table(rows));
    JsonNode status = flag.path("status");
    if (status.isObject() && status.has("environment")) {
      List<List<String>> cluster = new ArrayList<>();
      cluster.add(List.of("THIS CLUSTER", "STATE", "READY", "PHASE", "EFFECTIVE", "PROPAGATED"));
      cluster.add(statusColumns(status));
      out.append('\n').append(table(cluster));
    } else {
      out.append("\nThis cluster: no status yet (is the operator running for this namespace?)\n");
    }
    return out.toString();
  }

  public static String list(List<? extends JsonNode> flags) {
    Set<String> environments = new LinkedHashSet<>();
    flags.forEach(f -> f.path("spec").path("environments").fieldNames().forEachRemaining(environments::add));
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("NAME", "KEY"));
    environments.forEach(e -> header.add(e.toUpperCase(java.util.Locale.ROOT)));
    header.addAll(List.of("THIS CLUSTER", "STATE", "READY", "PHASE", "EFFECTIVE", "PROPAGATED"));
    rows.add(header);
    for (JsonNode flag : flags) {
      List<String> row = new ArrayList<>(List.of(flag.path("metadata").path("name").asText(), ClusterFlags.keyOf(flag)));
      boolean defaultEnabled = flag.path("spec").path("defaultEnabled").asBoolean(false);
      environments.forEach(e -> row.add(Plan.words(flag.path("spec").path("environments").get(e), defaultEnabled)
));
      row.addAll(statusColumns(flag.path("status")));
      rows.add(row);
    }
    return table(rows);
  }

  private static List<String> statusColumns(JsonNode status) {
    String ready = NONE;
    String reason = "";
    for (JsonNode condition : status.path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        ready = condition.path("status").asText(NONE);
        reason = condition.path("reason").asText("");
      }
    }
    JsonNode effective = status.path("rollout").path("effectivePercentage");
    return List.of(status.path("environment").asText(NONE), status.path("state").asText(NONE),
        reason.isEmpty() ? ready : ready + " (" + reason + ")", status.path("rollout").path("phase").asText(NONE),
        effective.isMissingNode() || effective.isNull() ? NONE : effective.asText() + "%",
        status.path("propagation").asText(NONE));
  }

  /** Columns padded to their widest cell, three spaces apart, as kubectl prints them. */
  public static String table(List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] width = new int[columns];
    rows.forEach(r -> {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    });
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(i == columns - 1 ? row.get(i) : String.format("%-" + (width[i] + 3) + "s", row.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
