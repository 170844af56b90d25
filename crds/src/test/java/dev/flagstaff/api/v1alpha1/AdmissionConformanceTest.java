package dev.flagstaff.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.api.admission.CrdAdmission.Kind;
import dev.flagstaff.api.admission.CrdAdmission.Violation;
import dev.flagstaff.api.v1alpha1.Manifests.Document;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the API server would answer to {@code kubectl apply}, checked offline against the generated CRD (the
 * mock API server enforces neither schema nor CEL): every FeatureFlag under examples/ is admitted, and every
 * manifest of the invalid corpus is refused with the message its first line expects, for that reason only.
 */
class AdmissionConformanceTest {
  static final Path INVALID = Path.of("src", "test", "resources", "invalid");

  private static final CrdAdmission ADMISSION = CrdAdmission.featureFlags();

  static Stream<Document> examples() {
    return Manifests.yamlFiles(Manifests.EXAMPLES).stream()
        .flatMap(file -> Manifests.read(file).stream())
        .filter(Document::isFeatureFlag);
  }

  static Stream<Path> invalidManifests() {
    return Manifests.yamlFiles(INVALID).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleFlagIsAdmitted(Document example) {
    assertThat(ADMISSION.errors(example.node())).as("what kubectl apply -f %s would print", example.file()).isEmpty();
  }

  @Test
  void theExamplesHoldFeatureFlagsAndOtherKindsAreOnlySkipped() {
    List<Document> all = Manifests.yamlFiles(Manifests.EXAMPLES).stream()
        .flatMap(file -> Manifests.read(file).stream())
        .toList();
    List<Document> flags = all.stream().filter(Document::isFeatureFlag).toList();

    assertThat(flags).as("FeatureFlags under %s", Manifests.EXAMPLES.toAbsolutePath().normalize()).isNotEmpty();
    assertThat(all.stream().filter(d -> !d.isFeatureFlag()).map(d -> d.node().path("kind").asText()))
        .as("documents of other kinds (skipped)")
        .contains("Application", "GitRepository", "Kustomization", "ConfigMap");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void noExampleFlagPinsANamespace(Document example) {
    assertThat(example.node().path("metadata").has("namespace"))
        .as("%s sets metadata.namespace; the user or the GitOps tool chooses it", example)
        .isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidManifests")
  void everyInvalidManifestIsRefusedForTheReasonItsNameGives(Path file) {
    List<Document> documents = Manifests.read(file);
    assertThat(documents).as("documents in %s", file).hasSize(1);

    List<Violation> violations = ADMISSION.review(documents.get(0).node());

    List<Violation> reasons = violations.stream().filter(v -> v.kind() != Kind.RULES_NOT_CHECKED).toList();
    assertThat(reasons).as("errors for %s", file.getFileName()).hasSize(1);
    assertThat(reasons.get(0).toString()).contains(Manifests.expectation(file));
  }

  @Test
  void theInvalidCorpusCoversSchemaAndCelRules() {
    List<Kind> kinds = invalidManifests()
        .flatMap(file -> ADMISSION.review(Manifests.read(file).get(0).node()).stream())
        .map(Violation::kind)
        .toList();

    assertThat(invalidManifests().count()).isGreaterThanOrEqualTo(18);
    assertThat(kinds).contains(Kind.SCHEMA, Kind.RULE, Kind.RULES_NOT_CHECKED);
  }

  @Test
  void everyRuleOfTheCrdIsExercisedByTheInvalidCorpus() {
    List<String> messages = invalidManifests().map(Manifests::expectation).toList();

    assertThat(ADMISSION.rules()).isNotEmpty().allSatisfy(rule ->
        assertThat(messages).as("invalid manifests expecting: %s", rule.message()).anyMatch(m -> m.contains(rule.message())));
  }
}
