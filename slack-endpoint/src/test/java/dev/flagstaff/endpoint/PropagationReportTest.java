package dev.flagstaff.endpoint;

import static dev.flagstaff.endpoint.EndpointFixture.FLAG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.endpoint.propagation.ConsumerLease;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each endpoint pod reports, on a Lease of its own, which ConfigMap version it serves; the mock API server. */
class PropagationReportTest {
  static final String NS = ConfigMapEndpoint.NS;
  static final String POD = "slack-endpoint-7d9f8-x2x4q";
  static final String LEASE = "flagstaff-consumer-" + POD;

  @RegisterExtension
  final ConfigMapEndpoint mock = new ConfigMapEndpoint();
  EndpointFixture fx;

  private Lease lease() {
    return mock.client().leases().inNamespace(NS).withName(LEASE).get();
  }

  private String appliedVersion() {
    Lease lease = lease();
    return lease == null ? null : lease.getMetadata().getAnnotations().get(ConsumerLease.APPLIED_VERSION_ANNOTATION);
  }

  @Test
  void theLeaseNamesThePodAndFollowsTheConfigMapVersionThenGoesAwayOnClose() {
    String first = mock.writeFlags(Map.of(FLAG, "{\"enabled\":true}"));
    fx = mock.startEndpoint(Map.of("POD_NAME", POD));

    await().until(() -> first.equals(appliedVersion()));
    Lease lease = lease();
    assertThat(lease.getMetadata().getLabels()).containsEntry(ConsumerLease.CONSUMER_LABEL, "feature-flags");
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(POD);
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(30);
    assertThat(lease.getSpec().getRenewTime()).isNotNull();

    double reports = fx.count("flagstaff.consumer.lease.writes", "operation", "report", "result", "ok");
    String second = mock.writeFlags(Map.of(FLAG, "{\"enabled\":false,\"generation\":2}"));
    assertThat(second).isNotEqualTo(first);
    await().until(() -> second.equals(appliedVersion()));
    assertThat(fx.management("/flags").get("version").asText()).isEqualTo(second);
    // one write per ConfigMap change
    assertThat(fx.count("flagstaff.consumer.lease.writes", "operation", "report", "result", "ok"))
        .isEqualTo(reports + 1);

    mock.stopEndpoint();
    assertThat(lease()).isNull();
  }

  @Test
  void aLeaseLeftByAnEarlierPodOfTheSameNameIsTakenOver() {
    String version = mock.writeFlags(Map.of(FLAG, "{\"enabled\":true}"));
    mock.client().leases().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
        .withNewMetadata().withName(LEASE).addToAnnotations(ConsumerLease.APPLIED_VERSION_ANNOTATION, "1").endMetadata()
        .withNewSpec().withHolderIdentity(POD).withLeaseDurationSeconds(30).endSpec().build()).create();

    fx = mock.startEndpoint(Map.of("POD_NAME", POD));

    await().until(() -> version.equals(appliedVersion()));
    assertThat(lease().getMetadata().getLabels()).containsEntry(ConsumerLease.CONSUMER_LABEL, "feature-flags");
  }

  @Test
  void turnedOffThereIsNoLease() {
    mock.writeFlags(Map.of(FLAG, "{\"enabled\":true}"));
    fx = mock.startEndpoint(Map.of("POD_NAME", POD, "FLAGSTAFF_REPORT_PROPAGATION", "false"));
    await().until(() -> fx.management("/flags/" + FLAG).get("enabled").asBoolean());

    assertThat(mock.client().leases().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(fx.endpoint.registry().find("flagstaff.consumer.lease.writes").counters()).isEmpty();
  }

  @Test
  void anyHostNameMakesAValidLeaseName() {
    assertThat(ConsumerLease.leaseName("slack-endpoint-0")).isEqualTo("flagstaff-consumer-slack-endpoint-0");
    assertThat(ConsumerLease.leaseName("My_Laptop.local.")).isEqualTo("flagstaff-consumer-my-laptop.local");
    assertThat(ConsumerLease.leaseName("x".repeat(300))).hasSize(253);
  }
}
