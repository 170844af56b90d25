package dev.flagstaff.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstaff.api.admission.CelValidations;
import dev.flagstaff.api.admission.CrdAdmission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The API server refuses a CRD whose rules' estimated cost exceeds its budget, and it estimates an unbounded
 * list, map or string at the largest size a request could hold. So every list, map and string a rule reaches
 * (its own node, and the fields it selects below it) declares maxItems, maxProperties or maxLength (or an enum).
 * Map keys cannot be bounded in a schema; the API server estimates them as short.
 */
class CelCostBoundsTest {
  private static final CrdAdmission ADMISSION = CrdAdmission.featureFlags();
  private static final Pattern SELECTED = Pattern.compile("\\.\\s*([A-Za-z_][A-Za-z0-9_]*)");

  @Test
  void theCrdHasRulesAtTheLevelsTheDesignNames() {
    assertThat(ADMISSION.rules()).extracting(CelValidations.RuleSite::schemaPath)
        .contains("spec", "spec.environments", "spec.environments[*]");
  }

  @Test
  void everyListMapAndStringARuleReachesIsBounded() {
    List<String> unbounded = new ArrayList<>();
    for (CelValidations.RuleSite site : ADMISSION.rules()) {
      unbounded.addAll(unboundedReachedBy(site.rule(), site.schema(), site.schemaPath()));
    }
    assertThat(unbounded).isEmpty();
  }

  @Test
  void theCheckFindsAnUnboundedListOrStringThatARuleReaches() {
    JsonNode schema = CrdAdmission.readJson("{\"type\":\"object\",\"properties\":{"
        + "\"actors\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":9}},"
        + "\"note\":{\"type\":\"string\"},"
        + "\"unread\":{\"type\":\"string\"}}}");

    assertThat(unboundedReachedBy("size(self.actors) < 3 && self.note != ''", schema, "spec"))
        .containsExactly("spec.actors has no maxItems", "spec.note has no maxLength");
  }

  /** The unbounded nodes a rule at {@code schema} reaches: itself, and below it the fields it selects by name. */
  static List<String> unboundedReachedBy(String rule, JsonNode schema, String path) {
    Set<String> selected = selectedNames(rule);
    List<String> unbounded = new ArrayList<>();
    visit(schema, path, selected, unbounded);
    return unbounded;
  }

  private static void visit(JsonNode schema, String path, Set<String> selected, List<String> unbounded) {
    String missing = missingBound(schema);
    if (missing != null) {
      unbounded.add(path + " has no " + missing);
    }
    schema.path("properties").fields().forEachRemaining(p -> {
      if (selected.contains(p.getKey())) {
        visit(p.getValue(), path + "." + p.getKey(), selected, unbounded);
      }
    });
    if (schema.path("additionalProperties").isObject()) {
      visit(schema.get("additionalProperties"), path + "[*]", selected, unbounded);
    }
    if (schema.path("items").isObject()) {
      visit(schema.get("items"), path + "[*]", selected, unbounded);
    }
  }

  private static Set<String> selectedNames(String rule) {
    Matcher m = SELECTED.matcher(rule);
    return m.results().map(r -> r.group(1)).collect(Collectors.toSet());
  }

  private static String missingBound(JsonNode schema) {
    switch (schema.path("type").asText()) {
      case "array":
        return schema.has("maxItems") ? null : "maxItems";
      case "string":
        return schema.has("maxLength") || schema.has("enum") ? null : "maxLength";
      case "object":
        return schema.path("additionalProperties").isObject() && !schema.has("maxProperties") ? "maxProperties" : null;
      default:
        return null;
    }
  }
}
