package dev.flagstaff.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.testkit.JarProcess;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flagstaff's processes as a cluster runs them (the chart's jars, ServiceAccounts and Roles; see
 * {@link ChartRelease}), through what happens to processes: a leader killed in the middle of a change, two
 * endpoint pods reporting propagation, and the API server itself restarted while changes are in flight.
 */
@RealKubernetes
class ProcessesOnRealServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "slack-events-app-home-opened";
  private static final String KEY = "slack_events_app_home_opened";
  private static final Path SEED = Repository.path("examples", "seed-rollout");

  @RegisterExtension
  final ChartRelease.Installs chart = new ChartRelease.Installs();

  @Test
  void theStandbyTakesOverFromAKilledLeaderAndTheChangeItWasMakingLands(RealApiServer server) throws Exception {
    String namespace = server.freshNamespace("leader");
    ChartRelease release = chart.install(server, namespace, "operator.replicas=2");
    Cli kubectl = release.kubectl();
    int[] management = {JarProcess.freePort(), JarProcess.freePort()};
    JarProcess a = release.startOperator("flagstaff-operator-a", management[0]);
    JarProcess b = release.startOperator("flagstaff-operator-b", management[1]);
    release.startEndpoint("flagstaff-slack-endpoint-0", JarProcess.freePort(), JarProcess.freePort());
    release.startEndpoint("flagstaff-slack-endpoint-1", JarProcess.freePort(), JarProcess.freePort());

    kubectl.run("apply", "-f", SEED.resolve("03-production-10-percent.yaml").toString()).orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Propagated", "--timeout=60s", "ff/" + NAME).orThrow().out())
        .contains("condition met");
    assertThat(kubectl.run("get", "ff", NAME, "-o", "jsonpath={.status.propagation}").orThrow().out())
        .isEqualTo("2/2");

    String leader = holder(server, namespace);
    JarProcess leading = leader.startsWith("flagstaff-operator-a") ? a : b;
    JarProcess standby = leading == a ? b : a;
    kubectl.run("apply", "-f", SEED.resolve("06-rollback.yaml").toString()).orThrow();
    leading.kill();
    long killed = System.nanoTime();

    await("the standby to hold the Lease").atMost(Duration.ofSeconds(45))
        .until(() -> holder(server, namespace).startsWith(standby.name()));
    Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
    System.out.printf("leader %s killed; %s took over after %d ms (Lease duration 15 s)%n", leading.name(),
        standby.name(), takeover.toMillis());
    assertThat(takeover).as("takeover after the kill").isLessThan(Duration.ofSeconds(15 + 2 + 5));
    await("the rollback made while the leader died to land").atMost(Duration.ofSeconds(30))
        .until(() -> entry(server, namespace).startsWith("{\"enabled\":false"));
    assertThat(kubectl.run("wait", "--for=condition=Propagated", "--timeout=60s", "ff/" + NAME).orThrow().out())
        .contains("condition met");
    assertThat(kubectl.run("get", "ff", NAME, "-o", "jsonpath={.status.state}").orThrow().out())
        .isEqualTo("Disabled");
  }

  @Test
  void theApiServerRestartsWhileChangesAreInFlightAndEveryChangeLands(RealApiServer server) throws Exception {
    String namespace = server.freshNamespace("restart");
    ChartRelease release = chart.install(server, namespace);
    Cli kubectl = release.kubectl();
    JarProcess operator = release.startOperator("flagstaff-operator-0", JarProcess.freePort());
    int endpointManagement = JarProcess.freePort();
    JarProcess endpoint = release.startEndpoint("flagstaff-slack-endpoint-0", JarProcess.freePort(),
        endpointManagement);
    kubectl.run("apply", "-f", SEED.resolve("05-enable-globally.yaml").toString()).orThrow();
    await().atMost(Duration.ofSeconds(30)).until(() -> decision(endpointManagement));

    AtomicBoolean servedWhileDown = new AtomicBoolean();
    server.restartApiServer(() -> {
      try {
        servedWhileDown.set(decision(endpointManagement)
            && JarProcess.answers200(endpointManagement, "/healthz"));
      } catch (Exception e) {
        servedWhileDown.set(false);
      }
    });
    assertThat(servedWhileDown).as("the endpoint's last good flags served while the API server was down").isTrue();

    kubectl.run("apply", "-f", SEED.resolve("06-rollback.yaml").toString()).orThrow();
    await("the rollback to reach the endpoint after the restart").atMost(Duration.ofSeconds(60))
        .until(() -> !decision(endpointManagement));
    await("the status of the rollback").atMost(Duration.ofSeconds(30)).until(() -> "Disabled".equals(
        kubectl.run("get", "ff", NAME, "-o", "jsonpath={.status.state}").out()));
    assertThat(operator.isAlive()).isTrue();
    assertThat(endpoint.isAlive()).isTrue();
  }

  private static String holder(RealApiServer server, String namespace) {
    Lease lease = server.client().leases().inNamespace(namespace).withName("flagstaff-operator-production").get();
    return lease == null || lease.getSpec().getHolderIdentity() == null ? "" : lease.getSpec().getHolderIdentity();
  }

  private static String entry(RealApiServer server, String namespace) {
    var configMap = server.client().configMaps().inNamespace(namespace).withName("feature-flags").get();
    String value = configMap == null || configMap.getData() == null ? null : configMap.getData().get(KEY);
    return value == null ? "" : value;
  }

  private static boolean decision(int management) throws Exception {
    return JSON.readTree(JarProcess.get(management, "/flags/" + KEY).body()).path("enabled").asBoolean(false);
  }
}
