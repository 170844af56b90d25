package dev.flagstaff.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.testkit.JarProcess;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The endpoint faces the internet: with the chart's Role and lease policy, its ServiceAccount keeps its own pod's
 * consumer Lease, and the API server refuses it the operator's leader-election Lease and another pod's Lease.
 */
@RealKubernetes
class EndpointLeasePolicyIT {
  @RegisterExtension
  final ChartRelease.Installs chart = new ChartRelease.Installs();
  private KubernetesClient asPod;

  @Test
  void theEndpointWritesOnlyItsOwnPodsConsumerLease(RealApiServer server) throws Exception {
    String namespace = server.freshNamespace("lease-policy");
    ChartRelease release = chart.install(server, namespace, "operator.replicas=2");
    int management = JarProcess.freePort();
    String pod = "flagstaff-slack-endpoint-7f9c-aaaaa";
    release.startEndpoint(pod, JarProcess.freePort(), management);
    await("the endpoint's own consumer Lease").atMost(Duration.ofSeconds(60)).until(() ->
        server.client().leases().inNamespace(namespace).withName("flagstaff-consumer-" + pod).get() != null);

    String sa = release.serviceAccount("slack-endpoint");
    asPod = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(
        Files.readString(server.kubeconfigForPod(namespace, sa, pod)))).build();
    server.client().leases().inNamespace(namespace).resource(lease("flagstaff-operator-production")).create();
    server.client().leases().inNamespace(namespace).resource(lease("flagstaff-consumer-other-pod")).create();

    for (String foreign : new String[] {"flagstaff-operator-production", "flagstaff-consumer-other-pod"}) {
      assertThatThrownBy(() -> asPod.leases().inNamespace(namespace).withName(foreign)
          .edit(l -> new LeaseBuilder(l).editSpec().withHolderIdentity(pod).endSpec().build()))
          .as("updating %s as the endpoint", foreign)
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(403);
            assertThat(e.getMessage()).contains("may write only its own pod's consumer Lease");
          });
      assertThatThrownBy(() -> asPod.leases().inNamespace(namespace).withName(foreign).delete())
          .as("deleting %s as the endpoint", foreign).isInstanceOf(KubernetesClientException.class);
    }
    assertThatThrownBy(() -> asPod.leases().inNamespace(namespace).resource(lease("flagstaff-consumer-forged"))
        .create()).isInstanceOf(KubernetesClientException.class);
    assertThat(server.client().leases().inNamespace(namespace).withName("flagstaff-operator-production").get()
        .getSpec().getHolderIdentity()).isEqualTo("operator-a");

    Lease own = asPod.leases().inNamespace(namespace).withName("flagstaff-consumer-" + pod)
        .edit(l -> new LeaseBuilder(l).editSpec().withLeaseDurationSeconds(31).endSpec().build());
    assertThat(own.getSpec().getLeaseDurationSeconds()).as("its own Lease stays writable").isEqualTo(31);
    assertThat(JarProcess.answers200(management, "/readyz")).isTrue();
  }

  private static Lease lease(String name) {
    return new LeaseBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withHolderIdentity("operator-a").withLeaseDurationSeconds(15).endSpec().build();
  }

  @AfterEach
  void stop() {
    if (asPod != null) {
      asPod.close();
    }
  }
}
