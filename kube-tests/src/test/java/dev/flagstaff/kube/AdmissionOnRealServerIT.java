package dev.flagstaff.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.api.admission.CrdAdmission.Kind;
import dev.flagstaff.api.v1alpha1.Manifests;
import dev.flagstaff.api.v1alpha1.Manifests.Document;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Admission by the API server itself, with {@code kubectl apply --dry-run=server}: every FeatureFlag under
 * examples/ is admitted, and every file of the invalid corpus is refused with the message its first line
 * expects. The same cases go through the offline check ({@link CrdAdmission}, the fast feedback and the GitOps
 * dry-run path), and any case where the two disagree fails: the offline check is proven equal to the server.
 */
@RealKubernetes
class AdmissionOnRealServerIT {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static CrdAdmission offline;
  private static Cli kubectl;
  private static Path work;

  @BeforeAll
  static void kubectl(RealApiServer server) throws IOException {
    kubectl = Cli.kubectl(server.binaries(), server.kubeconfig(server.freshNamespace("admission")));
    work = Files.createTempDirectory(server.dir(), "admission");
    offline = CrdAdmission.of(YAML.readTree(Repository.path("crds", "featureflags.flagstaff.dev-v1.yml").toFile()));
  }

  static Stream<Document> examples() {
    return Manifests.yamlFiles(Repository.path("examples")).stream()
        .flatMap(file -> Manifests.read(file).stream())
        .filter(Document::isFeatureFlag);
  }

  static Stream<Path> invalidManifests() {
    return Manifests.yamlFiles(Repository.path("crds", "src", "test", "resources", "invalid")).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void theServerAdmitsEveryExampleAndSoDoesTheOfflineCheck(Document example) throws IOException {
    Cli.Result server = dryRun(example);

    assertThat(server.err()).as("kubectl apply --dry-run=server -f %s", example).isEmpty();
    assertThat(server.exitCode()).isZero();
    assertThat(offline.errors(example.node())).as("the offline check of %s", example).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidManifests")
  void theServerRefusesEveryInvalidManifestForItsReasonAndTheOfflineCheckAgrees(Path file) throws IOException {
    String expected = Manifests.expectation(file);
    Document document = Manifests.read(file).get(0);

    Cli.Result server = dryRun(document);
    List<String> offlineReasons = offline.review(document.node()).stream()
        .filter(v -> v.kind() != Kind.RULES_NOT_CHECKED).map(Object::toString).toList();

    assertThat(server.exitCode()).as("kubectl's exit code for %s", file.getFileName()).isNotZero();
    assertThat(server.err()).as("what the server answered to %s", file.getFileName()).contains(expected);
    assertThat(offlineReasons).as("the offline check of %s, against the server's answer:%n%s", file.getFileName(),
        server.err()).hasSize(1);
    assertThat(offlineReasons.get(0)).contains(expected);
    assertThat(server.err()).as("the server gave the offline check's message").contains(offlineReasons.get(0));
  }

  private static Cli.Result dryRun(Document document) throws IOException {
    Path file = Files.createTempFile(work, document.file().getFileName().toString(), ".yaml");
    YAML.writeValue(file.toFile(), document.node());
    return kubectl.run("apply", "--dry-run=server", "-f", file.toString());
  }
}
