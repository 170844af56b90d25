package dev.flagstaff.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstaff.api.v1alpha1.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs examples/gitops/argocd-health-featureflag.lua as Argo CD does (the resource as the global {@code obj},
 * the result a table with {@code status} and {@code message}) against FeatureFlags in each state the operator
 * can leave them in.
 */
class ArgoHealthCheckTest {
  private static final Path GITOPS = Manifests.EXAMPLES.resolve("gitops");
  private static final Path SCRIPT = GITOPS.resolve("argocd-health-featureflag.lua");
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void aFlagWithoutStatusIsProgressing() throws IOException {
    Health health = check(flag(1, null));

    assertThat(health.status()).isEqualTo("Progressing");
  }

  @Test
  void readyForTheCurrentGenerationIsHealthy() throws IOException {
    Health health = check(flag(5, """
        observedGeneration: 5
        environment: production
        state: Enabled
        conditions:
          - {type: Ready, status: "True", observedGeneration: 5, reason: Applied, message: "production: Enabled"}
          - {type: Reconciling, status: "False", observedGeneration: 5, reason: Applied}
          - {type: Stalled, status: "False", observedGeneration: 5, reason: Applied}
        """));

    assertThat(health.status()).isEqualTo("Healthy");
    assertThat(health.message()).isEqualTo("production: Enabled");
  }

  @Test
  void readyForAnEarlierGenerationIsProgressing() throws IOException {
    Health health = check(flag(6, """
        observedGeneration: 5
        conditions:
          - {type: Ready, status: "True", observedGeneration: 5, reason: Applied}
        """));

    assertThat(health.status()).isEqualTo("Progressing");
    assertThat(health.message()).contains("generation 6");
  }

  @Test
  void aReadyConditionOfAnEarlierGenerationIsProgressingEvenWithoutTopLevelObservedGeneration() throws IOException {
    Health health = check(flag(6, """
        conditions:
          - {type: Ready, status: "True", observedGeneration: 5, reason: Applied}
        """));

    assertThat(health.status()).isEqualTo("Progressing");
  }

  @Test
  void stalledIsDegradedWithTheOperatorsMessage() throws IOException {
    String why = "key slack_events_app_home_opened is already set by FeatureFlag app-home-opened-old";
    Health health = check(flag(2, """
        observedGeneration: 2
        conditions:
          - {type: Ready, status: "False", observedGeneration: 2, reason: KeyConflict, message: "%s"}
          - {type: Stalled, status: "True", observedGeneration: 2, reason: KeyConflict, message: "%s"}
        """.formatted(why, why)));

    assertThat(health.status()).isEqualTo("Degraded");
    assertThat(health.message()).isEqualTo(why);
  }

  @Test
  void notReadyYetIsProgressingWithTheReadyMessage() throws IOException {
    Health health = check(flag(3, """
        observedGeneration: 3
        conditions:
          - {type: Ready, status: "False", observedGeneration: 3, reason: Applying, message: "writing the ConfigMap"}
          - {type: Reconciling, status: "True", observedGeneration: 3, reason: Applying}
        """));

    assertThat(health.status()).isEqualTo("Progressing");
    assertThat(health.message()).isEqualTo("writing the ConfigMap");
  }

  @Test
  void theArgoCdPatchEmbedsTheLuaFileVerbatim() throws IOException {
    JsonNode patch = Manifests.read(GITOPS.resolve("argocd-cm-patch.yaml")).get(0).node();

    assertThat(patch.at("/metadata/name").asText()).isEqualTo("argocd-cm");
    assertThat(patch.path("data").path("resource.customizations.health.flagstaff.dev_FeatureFlag").asText())
        .isEqualTo(Files.readString(SCRIPT));
  }

  private record Health(String status, String message) {}

  private static Health check(JsonNode featureFlag) throws IOException {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(featureFlag));
    LuaValue result = globals.load(Files.readString(SCRIPT), SCRIPT.getFileName().toString()).call();
    return new Health(result.get("status").tojstring(), result.get("message").optjstring(null));
  }

  /** The seed flag enabled globally, as stored at {@code generation}, with the status the operator wrote. */
  private static JsonNode flag(long generation, String statusYaml) throws IOException {
    Path example = Manifests.EXAMPLES.resolve("seed-rollout/05-enable-globally.yaml");
    ObjectNode flag = (ObjectNode) Manifests.read(example).get(0).node().deepCopy();
    ((ObjectNode) flag.get("metadata")).put("generation", generation);
    if (statusYaml != null) {
      flag.set("status", YAML.readTree(statusYaml));
    }
    return flag;
  }

  /** JSON as Argo CD hands it to Lua: objects and arrays as tables (arrays from 1), numbers as numbers. */
  private static LuaValue toLua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      node.fields().forEachRemaining(e -> table.set(e.getKey(), toLua(e.getValue())));
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, toLua(node.get(i)));
      }
      return table;
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.doubleValue());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.booleanValue());
    }
    return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
  }
}
