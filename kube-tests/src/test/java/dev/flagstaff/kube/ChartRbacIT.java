package dev.flagstaff.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import dev.flagstaff.testkit.JarProcess;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The check of the chart's RBAC can fail: with one verb taken out of the operator's Role, the failure a user
 * sees names the missing permission, in the operator's log and on the resource (Ready=False, reason Forbidden,
 * the server's words), and granting it again is all it takes.
 */
@RealKubernetes
class ChartRbacIT {
  private static final String NAME = "slack-events-app-home-opened";

  @RegisterExtension
  final ChartRelease.Installs chart = new ChartRelease.Installs();

  @Test
  void withoutPatchOnConfigMapsTheOperatorSaysWhichPermissionItLacks(RealApiServer server) throws Exception {
    String namespace = server.freshNamespace("chart-rbac");
    ChartRelease release = chart.install(server, namespace);
    Cli kubectl = release.kubectl();
    String role = release.deployment("operator").getMetadata().getName();
    server.client().rbac().roles().inNamespace(namespace).withName(role).edit(r -> {
      r.getRules().stream().filter(rule -> rule.getResources().contains("configmaps"))
          .forEach(rule -> rule.setVerbs(rule.getVerbs().stream().filter(v -> !v.equals("patch")).toList()));
      return r;
    });

    int management = JarProcess.freePort();
    JarProcess operator = release.startOperator("flagstaff-operator-0", management);
    // The first flag creates the ConfigMap (create is granted); the change after it must patch it.
    kubectl.run("apply", "-f", Repository.path("examples", "seed-rollout", "01-define.yaml").toString()).orThrow();
    await("the ConfigMap to be created").atMost(Duration.ofSeconds(30))
        .until(() -> server.client().configMaps().inNamespace(namespace).withName("feature-flags").get() != null);
    kubectl.run("apply", "-f", Repository.path("examples", "seed-rollout", "05-enable-globally.yaml").toString())
        .orThrow();

    await("the flag's status to say what is forbidden").atMost(Duration.ofSeconds(60)).until(() ->
        flags(server, namespace).condition(NAME, "Ready").filter(c -> "Forbidden".equals(c.getReason())).isPresent());
    Flags flags = flags(server, namespace);
    Condition ready = flags.condition(NAME, "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage())
        .contains("cannot patch resource \"configmaps\"")
        .contains("system:serviceaccount:" + namespace + ":" + release.serviceAccount("operator"))
        .contains("grant it in the operator's Role");
    assertThat(flags.condition(NAME, "Reconciling").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(flags.condition(NAME, "Stalled").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(operator.output()).contains("cannot patch resource \\\"configmaps\\\"");

    // Granting the verb again is enough: the retry applies the change, and Ready says so.
    server.client().rbac().roles().inNamespace(namespace).withName(role).edit(r -> {
      r.getRules().stream().filter(rule -> rule.getResources().contains("configmaps")
              && rule.getResourceNames() != null && !rule.getResourceNames().isEmpty())
          .forEach(rule -> rule.getVerbs().add("patch"));
      return r;
    });
    await("the change to land once patch is granted").atMost(Duration.ofSeconds(90))
        .until(() -> flags.is(NAME, "Ready", "True"));
    assertThat(flags.data().get("slack_events_app_home_opened")).startsWith("{\"enabled\":true");
  }

  private static Flags flags(RealApiServer server, String namespace) {
    return new Flags(server.client(), namespace);
  }
}
