package dev.flagstaff.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.api.admission.CrdAdmission.Kind;
import dev.flagstaff.api.v1alpha1.Manifests.Document;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's own check (FeatureFlagValidation, for API servers that do not enforce the CRD's rules, like the
 * mock server) agrees with the CRD: it refuses what the CEL rules refuse, and accepts every example.
 */
class FeatureFlagValidationAgreementTest {
  private static final CrdAdmission ADMISSION = CrdAdmission.featureFlags();

  static Stream<Path> refusedByCelRules() {
    return AdmissionConformanceTest.invalidManifests()
        .filter(file -> ADMISSION.review(Manifests.read(file).get(0).node()).stream()
            .anyMatch(v -> v.kind() == Kind.RULE));
  }

  /**
   * What the schema refuses and the Java types can still hold (so a server without the schema would hand it to the
   * operator). Left out: what they cannot hold at all (a wrong type, an unknown enum value or field: Jackson
   * refuses those before validation) and metadata and apiVersion, which every API server checks itself.
   */
  static Stream<Path> refusedBySchemaAndReadable() {
    return AdmissionConformanceTest.invalidManifests()
        .filter(file -> ADMISSION.review(Manifests.read(file).get(0).node()).stream()
            .anyMatch(v -> v.kind() == Kind.SCHEMA))
        .filter(file -> !file.getFileName().toString().matches(
            "(api-version-unknown|name-not-dns-subdomain|unknown-field-typo|enabled-not-boolean|actors-not-a-list"
                + "|type-unknown|strategy-unknown|percentage-with-percent-sign)\\.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedBySchemaAndReadable")
  void whatTheSchemaRefusesTheOperatorRefusesToo(Path file) {
    FeatureFlag flag = Manifests.read(file).get(0).toFeatureFlag();

    assertThat(FeatureFlagValidation.problems(flag)).as("problems the operator finds in %s", file.getFileName())
        .isNotEmpty();
  }

  static Stream<Document> examples() {
    return AdmissionConformanceTest.examples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByCelRules")
  void whatTheCelRulesRefuseTheOperatorRefusesToo(Path file) {
    FeatureFlag flag = Manifests.read(file).get(0).toFeatureFlag();

    assertThat(FeatureFlagValidation.problems(flag)).as("problems the operator finds in %s", file.getFileName())
        .isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void theOperatorAcceptsEveryExample(Document example) {
    assertThat(FeatureFlagValidation.problems(example.toFeatureFlag())).as("problems in %s", example).isEmpty();
  }

  @Test
  void everyCelRuleHasACaseInTheAgreement() {
    assertThat(refusedByCelRules().count()).isGreaterThanOrEqualTo(ADMISSION.rules().size());
  }
}
