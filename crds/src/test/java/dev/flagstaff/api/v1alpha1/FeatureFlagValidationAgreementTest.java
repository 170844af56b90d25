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
