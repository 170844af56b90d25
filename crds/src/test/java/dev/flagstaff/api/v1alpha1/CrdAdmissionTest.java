package dev.flagstaff.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstaff.api.admission.CrdAdmission;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The offline admission itself: it behaves as the API server on the points the conformance test relies on. */
class CrdAdmissionTest {
  /** Where the build writes the CRD generated from the Java types. */
  private static final Path GENERATED = Path.of("target/classes", CrdAdmission.FEATURE_FLAGS_CRD);
  /** The committed copy that {@code kubectl apply -f crds/} installs; the build keeps it equal to the generated one. */
  private static final Path COMMITTED = Path.of("featureflags.flagstaff.dev-v1.yml");

  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void theGeneratedCrdIsTheCommittedOne() throws IOException {
    assertThat(YAML.readTree(GENERATED.toFile())).isEqualTo(YAML.readTree(COMMITTED.toFile()));
  }

  @Test
  void aRuleThatDoesNotCompileIsReportedAsTheApiServerWouldRefuseTheCrd() throws IOException {
    JsonNode crd = crdWithEnvironmentRule("self.enabled == 'yes'");

    assertThatThrownBy(() -> CrdAdmission.of(crd))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.environments[*]")
        .hasMessageContaining("self.enabled == 'yes'");
    assertThatThrownBy(() -> CrdAdmission.of(crdWithEnvironmentRule("!has(self.percentag) || self.percentag < 50.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percentag");
  }

  @Test
  void aNumberFieldIsADoubleInCelEvenWhenWrittenAsAnInteger() throws IOException {
    CrdAdmission admission = CrdAdmission.of(crdWithEnvironmentRule("!has(self.percentage) || self.percentage < 12.5"));

    assertThat(admission.errors(flagWithProductionPercentage("10"))).isEmpty();
    assertThat(admission.errors(flagWithProductionPercentage("20"))).singleElement().asString()
        .startsWith("spec.environments[production]: Invalid value: ");
  }

  @Test
  void aRuleThatFailsToEvaluateIsAnErrorNotAPass() throws IOException {
    CrdAdmission admission = CrdAdmission.of(crdWithEnvironmentRule("self.percentage >= 0.0"));

    assertThat(admission.errors(flagWithProductionPercentage(null))).singleElement().asString()
        .contains("evaluating rule: self.percentage >= 0.0");
  }

  @Test
  void defaultsAreAppliedBeforeTheRulesRun() throws IOException {
    CrdAdmission admission = CrdAdmission.featureFlags();
    JsonNode flag = flagWithProductionPercentage(null);

    assertThat(flag.path("spec").has("defaultEnabled")).isFalse();
    assertThat(admission.withDefaults(flag).at("/spec/defaultEnabled").isBoolean()).isTrue();
    assertThat(admission.withDefaults(flag).at("/spec/defaultEnabled").booleanValue()).isFalse();
  }

  private static JsonNode flagWithProductionPercentage(String percentage) throws IOException {
    String production = percentage == null ? "{enabled: true}" : "{enabled: true, percentage: " + percentage
        + ", strategy: random}";
    return YAML.readTree("apiVersion: flagstaff.dev/v1alpha1\nkind: FeatureFlag\nmetadata: {name: f}\n"
        + "spec: {environments: {production: " + production + "}}\n");
  }

  /** The FeatureFlag CRD with one more rule on each environment's state. */
  private static JsonNode crdWithEnvironmentRule(String rule) throws IOException {
    ObjectNode crd = (ObjectNode) YAML.readTree(COMMITTED.toFile());
    ObjectNode environment = (ObjectNode) crd.at(
        "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/environments/additionalProperties");
    ((ArrayNode) environment.get("x-kubernetes-validations")).addObject().put("rule", rule);
    return crd;
  }
}
