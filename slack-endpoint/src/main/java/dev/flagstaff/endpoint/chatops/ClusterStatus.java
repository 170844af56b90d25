package dev.flagstaff.endpoint.chatops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstaff.api.v1alpha1.FeatureFlag;

/**
 * What a copy's operator reported about a generation, read from its status: whether the change has landed (Ready,
 * and Propagated where consumers exist; or Stalled, which will not change by waiting), and the reply's row.
 */
final class ClusterStatus {
  static final String API_VERSION = FeatureFlag.GROUP + "/" + FeatureFlag.VERSION;
  private static final String NONE = "-";

  private ClusterStatus() {}

  static boolean landed(JsonNode resource, long generation) {
    JsonNode status = resource.path("status");
    if (isTrue(condition(status, "Stalled"), status, generation)) {
      return true;
    }
    if (!isTrue(condition(status, "Ready"), status, generation)) {
      return false;
    }
    return status.path("consumers").path("total").asLong(0) == 0
        || isTrue(condition(status, "Propagated"), status, generation);
  }

  static Outcome.Row row(String namespace, JsonNode resource, long generation) {
    JsonNode status = resource == null ? null : resource.path("status");
    if (status == null || status.path("observedGeneration").asLong(0) < generation) {
      return new Outcome.Row(namespace, status == null ? NONE : status.path("environment").asText(NONE),
          "not yet reported", "Unknown", NONE);
    }
    JsonNode ready = condition(status, "Ready");
    String readyText = ready == null ? NONE : ready.path("status").asText(NONE)
        + (ready.path("reason").asText("").isEmpty() ? "" : " (" + ready.path("reason").asText() + ")");
    return new Outcome.Row(namespace, status.path("environment").asText(NONE), status.path("state").asText(NONE),
        readyText, status.path("propagation").asText(NONE));
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode condition : status.path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return null;
  }

  /** True, and computed for this generation (the condition's own observedGeneration, else the status's). */
  private static boolean isTrue(JsonNode condition, JsonNode status, long generation) {
    if (condition == null || !"True".equals(condition.path("status").asText())) {
      return false;
    }
    long observed = condition.has("observedGeneration") ? condition.path("observedGeneration").asLong()
        : status.path("observedGeneration").asLong();
    return observed >= generation;
  }
}
