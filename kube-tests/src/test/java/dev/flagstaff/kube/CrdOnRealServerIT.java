package dev.flagstaff.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CRD as committed, judged by a real API server: accepted as a structural schema with every CEL rule compiled
 * within the server's cost budget (the server refuses it otherwise, or reports NonStructuralSchema), and what
 * {@code kubectl explain} and {@code kubectl get} show a user.
 */
@RealKubernetes
class CrdOnRealServerIT {
  private static Cli kubectl;
  private static String namespace;

  @BeforeAll
  static void kubectl(RealApiServer server) {
    namespace = server.freshNamespace("crd");
    kubectl = Cli.kubectl(server.binaries(), server.kubeconfig(namespace));
  }

  @Test
  void theCommittedCrdIsEstablishedWithAStructuralSchema(RealApiServer server) {
    Cli.Result applied = kubectl.run("apply", "--server-side", "--force-conflicts", "-f",
        Repository.path("crds").toString());
    assertThat(applied.err()).isEmpty();
    assertThat(applied.out()).contains("customresourcedefinition.apiextensions.k8s.io/featureflags.flagstaff.dev");

    CustomResourceDefinition crd = server.client().apiextensions().v1().customResourceDefinitions()
        .withName("featureflags.flagstaff.dev").get();
    assertThat(crd.getStatus().getConditions())
        .anySatisfy(c -> {
          assertThat(c.getType()).isEqualTo("Established");
          assertThat(c.getStatus()).isEqualTo("True");
        })
        .noneSatisfy(c -> assertThat(c.getType()).isEqualTo("NonStructuralSchema"));
  }

  @Test
  void kubectlExplainPrintsOurDescriptions() {
    // kubectl wraps descriptions at 80 columns
    String environments = kubectl.run("explain", "featureflag.spec.environments").orThrow().out()
        .replaceAll("\\s+", " ");
    assertThat(environments)
        .contains("GROUP: flagstaff.dev")
        .contains("Whether the flag is on in this environment. false turns it off whatever else is set: the kill"
            + " switch, the rollback.")
        .contains("percentage").contains("strategy").contains("requires");

    assertThat(kubectl.run("explain", "ff.spec").orThrow().out()).contains("environments").contains("actorType");
  }

  @Test
  void kubectlGetShowsThePrinterColumns() {
    Path flag = Repository.path("examples", "seed-rollout", "01-define.yaml");
    kubectl.run("apply", "-f", flag.toString()).orThrow();

    String table = kubectl.run("get", "ff").orThrow().out();
    assertThat(table.lines().findFirst().orElse(""))
        .containsSubsequence("NAME", "KEY", "ENVIRONMENT", "STATE", "READY", "PHASE", "EFFECTIVE", "PROPAGATED",
            "AGE");
    assertThat(table).contains("slack-events-app-home-opened");
    assertThat(kubectl.run("get", "ff", "-o", "wide").orThrow().out().lines().findFirst().orElse(""))
        .contains("REASON");
    assertThat(kubectl.run("get", "flagstaff").orThrow().out()).as("the category").contains("slack-events-app-home-opened");
  }
}
