package dev.flagstaff.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.endpoint.home.HomeView;
import dev.flagstaff.testkit.JarProcess;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import dev.flagstaff.testkit.kube.AuditLog;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Helm chart installed with the real {@code helm install}, then the operator and endpoint jars run as the
 * chart's ServiceAccounts under the chart's own Roles (see {@link ChartRelease}), and the whole seed rollout of
 * examples/seed-rollout walked with kubectl: each step's ConfigMap entry, status and endpoint decision, what a
 * user's Home tab shows (the feature while on, the fallback after the rollback), and not one request refused by
 * the authorizer.
 */
@RealKubernetes
class ChartOnRealServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "slack_events_app_home_opened";
  private static final String NAME = "slack-events-app-home-opened";

  private record Step(String file, String state, Boolean decision) {}

  private static final List<Step> SEED = List.of(
      new Step("01-define.yaml", "Disabled", false),
      new Step("02-enable-non-production.yaml", "Disabled", false),
      new Step("03-production-10-percent.yaml", "10% of time", null),
      new Step("04-production-50-percent.yaml", "50% of time", null),
      new Step("05-enable-globally.yaml", "Enabled", true),
      new Step("06-rollback.yaml", "Disabled", false));

  @RegisterExtension
  final ChartRelease.Installs chart = new ChartRelease.Installs();

  @Test
  void theChartInstallsAndItsServiceAccountsWalkTheSeedRolloutWithoutOneRefusedCall(RealApiServer server)
      throws Exception {
    String namespace = server.freshNamespace("chart");
    ChartRelease release = chart.install(server, namespace);
    SlackApiStub slack = release.slack();

    Cli.Result manifest = ChartRelease.helm(server, namespace, server.dir().resolve("helm-get"))
        .run("get", "manifest", ChartRelease.RELEASE, "-n", namespace).orThrow();
    Cli kubectl = release.kubectl();
    Path rendered = Path.of("target", "chart-it", namespace + "-manifest.yaml");
    java.nio.file.Files.createDirectories(rendered.getParent());
    java.nio.file.Files.writeString(rendered, manifest.out());
    assertThat(kubectl.run("get", "-f", rendered.toString(), "-o", "name").orThrow().out().lines().count())
        .as("objects of the release found on the server").isGreaterThanOrEqualTo(8);

    int operatorManagement = JarProcess.freePort();
    int endpointPort = JarProcess.freePort();
    int endpointManagement = JarProcess.freePort();
    release.startOperator("flagstaff-operator-7d9f-abcde", operatorManagement);
    release.startEndpoint("flagstaff-slack-endpoint-5c6b-fghij", endpointPort, endpointManagement);
    await("the operator to be ready").atMost(Duration.ofSeconds(60))
        .until(() -> JarProcess.answers200(operatorManagement, "/readyz"));

    KubernetesClient client = server.client();
    Path seed = Repository.path("examples", "seed-rollout");
    SlackRequests events = SlackRequests.forPort(ChartRelease.SIGNING_SECRET, endpointPort);
    int event = 0;
    for (Step step : SEED) {
      kubectl.run("apply", "-f", seed.resolve(step.file()).toString()).orThrow();
      await(step.file() + " Ready at its generation").atMost(Duration.ofSeconds(30)).until(() -> {
        FeatureFlag flag = client.resources(FeatureFlag.class).inNamespace(namespace).withName(NAME).get();
        return flag.getStatus() != null
            && Objects.equals(flag.getStatus().getObservedGeneration(), flag.getMetadata().getGeneration())
            && step.state().equals(flag.getStatus().getState())
            && flag.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      });
      await(step.file() + " in the ConfigMap").atMost(Duration.ofSeconds(10))
          .until(() -> entry(client, namespace) != null);
      if (step.decision() != null) {
        await(step.file() + ": the endpoint decides " + step.decision()).atMost(Duration.ofSeconds(10))
            .until(() -> decision(endpointManagement) == step.decision());
      }
      if (step.decision() != null) {
        // UCHART opens the Home tab: the feature view while on, the fallback after the rollback.
        int visit = ++event;
        assertThat(events.send(SlackRequests.appHomeOpened("EvCHART" + visit, "TCHART", "UCHART", "home", null))
            .statusCode()).isEqualTo(200);
        boolean featureShown = step.decision();
        await(step.file() + ": UCHART's Home tab after visit " + visit).atMost(Duration.ofSeconds(10))
            .until(() -> slack.homeTab("UCHART") != null && slack.homeTab("UCHART").publishes() == visit
                && featureShown != HomeView.FALLBACK_TEXT.equals(slack.homeTab("UCHART").text()));
      }
    }
    kubectl.run("delete", "-f", seed.resolve("01-define.yaml").toString()).orThrow();
    await("the cleanup to remove the key").atMost(Duration.ofSeconds(30)).until(() -> {
      ConfigMap configMap = client.configMaps().inNamespace(namespace).withName("feature-flags").get();
      return configMap != null && (configMap.getData() == null || !configMap.getData().containsKey(KEY));
    });

    AuditLog audit = server.auditLog();
    for (String component : List.of("operator", "slack-endpoint")) {
      AuditLog calls = audit.by(release.user(component));
      assertThat(calls.size()).as("requests made as %s", release.user(component)).isPositive();
      assertThat(calls.forbidden().entries()).as("requests of %s the chart's Roles refused", component).isEmpty();
    }
  }

  @Test
  void aServiceMonitorWithoutItsCrdFailsTheInstallByNameAndInstallsNothing(RealApiServer server) throws Exception {
    String namespace = server.freshNamespace("chart-monitor");
    Cli.Result install = ChartRelease.helm(server, namespace, server.dir().resolve("helm-monitor"))
        .run("install", ChartRelease.RELEASE, Repository.path("helm", "flagstaff").toString(), "-n", namespace,
            "--set", "environment=production", "--set", "slack.createSecret=true",
            "--set", "slack.signingSecret=s", "--set", "slack.botToken=t",
            "--set", "metrics.serviceMonitor.enabled=true");

    assertThat(install.exitCode()).isNotZero();
    assertThat(install.err()).contains("ServiceMonitor").contains("monitoring.coreos.com/v1")
        .contains("ensure CRDs are installed first");
    assertThat(server.client().apps().deployments().inNamespace(namespace).list().getItems()).isEmpty();
  }

  private static String entry(KubernetesClient client, String namespace) {
    ConfigMap configMap = client.configMaps().inNamespace(namespace).withName("feature-flags").get();
    return configMap == null || configMap.getData() == null ? null : configMap.getData().get(KEY);
  }

  private static boolean decision(int managementPort) throws Exception {
    JsonNode body = JSON.readTree(JarProcess.get(managementPort, "/flags/" + KEY).body());
    return body.path("enabled").asBoolean(false);
  }
}
