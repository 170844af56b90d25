package dev.flagstaff.operator.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagSpec;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.operator.FlagstaffOperator;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConsumerLeaseNames;
import dev.flagstaff.testkit.Edits;
import dev.flagstaff.testkit.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator against the mock API server with three fake consumers (Leases written by the test, as endpoint pods
 * write them): Propagated follows what they acknowledge, drops when one lags, and a consumer that goes away, by
 * deleting its Lease or letting it expire, stops counting.
 */
class PropagatedConditionTest {
  static final String NS = "flags";
  static final String FLAG = "app-home";

  static {
    org.awaitility.Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
  }

  KubernetesTestServer server;
  KubernetesClient client;
  FlagstaffOperator operator;

  @BeforeEach
  void start() {
    server = KubernetesTestServer.start(NS);
    client = server.client();
    operator = new FlagstaffOperator(new Config(Map.of(
        "FLAGSTAFF_ENVIRONMENT", "production",
        "POD_NAMESPACE", NS,
        "FLAGSTAFF_MANAGEMENT_PORT", "0")), server.newClient());
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.close();
    server.close();
  }

  @Test
  void propagatedReachesThreeOfThreeThenDropsWhenOneLagsAndADeletedConsumerStopsCounting() {
    for (String pod : new String[] {"pod-a", "pod-b", "pod-c"}) {
      consumer(pod, null, Instant.now(), 3600);
    }
    client.resources(FeatureFlag.class).inNamespace(NS).resource(flag(true)).create();

    // written, nobody has acknowledged it yet
    await().until(() -> "0/3".equals(ratio()));
    assertThat(propagated()).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("Propagating");
      assertThat(c.getMessage()).isEqualTo("0/3 consumers applied generation 1; waiting for pod-a, pod-b, pod-c");
    });
    String first = status().getConfigMapVersion();
    assertThat(first).isNotNull();

    String served = configMapVersion();
    for (String pod : new String[] {"pod-a", "pod-b", "pod-c"}) {
      acknowledge(pod, served);
    }
    await().until(() -> "3/3".equals(ratio()));
    assertThat(propagated().getStatus()).isEqualTo("True");
    assertThat(status().getConsumers().getApplied()).isEqualTo(3);
    assertThat(status().getConsumers().getTotal()).isEqualTo(3);
    assertThat(status().getPropagation()).isEqualTo("3/3");
    assertThat(propagated().getReason()).isEqualTo("AllConsumersApplied");
    assertThat(propagated().getMessage()).isEqualTo("3/3 consumers applied generation 1");
    assertThat(propagated().getObservedGeneration()).isEqualTo(1L);

    // a new change: two consumers apply it, pod-c lags behind
    Edits.edit(client.resources(FeatureFlag.class).inNamespace(NS).withName(FLAG),
        f -> { f.getSpec().getEnvironments().get("production").setEnabled(false); return f; });
    await().until(() -> !first.equals(status().getConfigMapVersion()) && "0/3".equals(ratio()));
    String second = configMapVersion();
    acknowledge("pod-a", second);
    acknowledge("pod-b", second);
    await().until(() -> "2/3".equals(ratio()));
    assertThat(propagated().getStatus()).isEqualTo("False");
    assertThat(propagated().getReason()).isEqualTo("Propagating");
    assertThat(propagated().getMessage()).isEqualTo("2/3 consumers applied generation 2; waiting for pod-c");
    assertThat(propagated().getObservedGeneration()).isEqualTo(2L);

    // pod-c goes away cleanly: it stops counting at once
    client.leases().inNamespace(NS).withName("flagstaff-consumer-pod-c").delete();
    await().until(() -> "2/2".equals(ratio()));
    assertThat(propagated().getStatus()).isEqualTo("True");
    assertThat(propagated().getMessage()).isEqualTo("2/2 consumers applied generation 2");
  }

  /**
   * A rolling restart of three endpoint pods, as a Deployment makes it: each new pod's Lease appears before it has read
   * anything, then reports the ConfigMap it serves, then the pod it replaces deletes its own. The flag stays
   * Propagated throughout, and its status is written at most twice in all (count-only changes are held back).
   */
  @Test
  void aRollingRestartOfTheConsumersKeepsItPropagatedWithAtMostTwoStatusWrites() {
    for (String pod : new String[] {"pod-a", "pod-b", "pod-c"}) {
      consumer(pod, "1", Instant.now(), 3600);
    }
    client.resources(FeatureFlag.class).inNamespace(NS).resource(flag(true)).create();
    await().until(() -> status() != null && status().getConfigMapVersion() != null);
    String served = configMapVersion();
    for (String pod : new String[] {"pod-a", "pod-b", "pod-c"}) {
      acknowledge(pod, served);
    }
    await().until(() -> "3/3".equals(ratio()) && "True".equals(propagated().getStatus()));
    // what `kubectl get ff -w` shows from here on: every status written
    String before = client.resources(FeatureFlag.class).inNamespace(NS).withName(FLAG).get().getMetadata()
        .getResourceVersion();
    java.util.List<FeatureFlag> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var watch = client.resources(FeatureFlag.class).inNamespace(NS).withName(FLAG)
        .watch(new io.fabric8.kubernetes.client.Watcher<FeatureFlag>() {
          @Override
          public void eventReceived(Action action, FeatureFlag flag) {
            if (!before.equals(flag.getMetadata().getResourceVersion())) {
              seen.add(flag);
            }
          }

          @Override
          public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
        })) {
      String[][] replacements = {{"pod-a", "pod-d"}, {"pod-b", "pod-e"}, {"pod-c", "pod-f"}};
      for (String[] step : replacements) {
        consumer(step[1], null, Instant.now(), 3600);
        acknowledge(step[1], served);
        client.leases().inNamespace(NS).withName("flagstaff-consumer-" + step[0]).delete();
      }
      // a change after the restart: its status names the three new pods, so the operator has seen the whole restart
      Edits.edit(client.resources(FeatureFlag.class).inNamespace(NS).withName(FLAG),
          f -> { f.getSpec().getEnvironments().get("production").setEnabled(false); return f; });
      await().until(() -> seen.stream().anyMatch(f -> f.getStatus() != null
          && f.getStatus().getObservedGeneration() == 2L && condition(f.getStatus(), "Propagated").getMessage()
              .equals("0/3 consumers applied generation 2; waiting for pod-d, pod-e, pod-f")));
    }

    java.util.List<FeatureFlagStatus> duringRestart = seen.stream()
        .filter(f -> f.getMetadata().getGeneration() == 1L).map(FeatureFlag::getStatus).toList();
    assertThat(duringRestart).hasSizeLessThanOrEqualTo(2);
    assertThat(duringRestart).allSatisfy(st -> assertThat(condition(st, "Propagated").getStatus()).isEqualTo("True"));
  }

  private static Condition condition(FeatureFlagStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }

  @Test
  void aConsumerWhoseLeaseExpiresStopsCountingWithoutAnyApiEvent() {
    consumer("pod-a", null, Instant.now(), 3600);
    client.resources(FeatureFlag.class).inNamespace(NS).resource(flag(true)).create();
    await().until(() -> status() != null && status().getConfigMapVersion() != null);
    acknowledge("pod-a", configMapVersion());
    await().until(() -> "1/1".equals(ratio()));

    // pod-z died without deleting its Lease: renewed 20 s ago, for 30 s, on an old version
    consumer("pod-z", "1", Instant.now().minusSeconds(20), 30);
    await().until(() -> "1/2".equals(ratio()));
    assertThat(propagated().getStatus()).isEqualTo("False");

    // nothing is written any more; the operator notices the expiry by itself
    await().until(() -> "1/1".equals(ratio()));
    assertThat(propagated().getStatus()).isEqualTo("True");
    assertThat(client.leases().inNamespace(NS).withName("flagstaff-consumer-pod-z").get()).isNotNull();
  }

  @Test
  void withoutConsumersItSaysSo() {
    client.resources(FeatureFlag.class).inNamespace(NS).resource(flag(true)).create();

    await().until(() -> "0/0".equals(ratio()));
    assertThat(propagated().getStatus()).isEqualTo("False");
    assertThat(propagated().getReason()).isEqualTo("NoConsumers");
    assertThat(status().getConfigMapVersion()).isEqualTo(configMapVersion());
  }

  // --- what an endpoint pod writes, and what a user reads ------------------------------------------------------

  private void consumer(String pod, String version, Instant renewed, int seconds) {
    LeaseBuilder lease = new LeaseBuilder()
        .withNewMetadata().withName("flagstaff-consumer-" + pod).withNamespace(NS)
        .addToLabels(ConsumerLeaseNames.CONSUMER_LABEL, "feature-flags").endMetadata()
        .withNewSpec().withHolderIdentity(pod).withLeaseDurationSeconds(seconds)
        .withRenewTime(renewed.atZone(ZoneOffset.UTC)).endSpec();
    if (version != null) {
      lease.editMetadata().addToAnnotations(ConsumerLeaseNames.APPLIED_VERSION, version).endMetadata();
    }
    client.leases().inNamespace(NS).resource(lease.build()).create();
  }

  private void acknowledge(String pod, String version) {
    client.leases().inNamespace(NS).withName("flagstaff-consumer-" + pod).edit(lease -> {
      lease.getMetadata().getAnnotations().put(ConsumerLeaseNames.APPLIED_VERSION, version);
      return lease;
    });
  }

  private String configMapVersion() {
    ConfigMap configMap = client.configMaps().inNamespace(NS).withName("feature-flags").get();
    return configMap.getMetadata().getResourceVersion();
  }

  /** status.propagation, null until there is a status. */
  private String ratio() {
    FeatureFlagStatus status = status();
    return status == null ? null : status.getPropagation();
  }

  private FeatureFlagStatus status() {
    FeatureFlag flag = client.resources(FeatureFlag.class).inNamespace(NS).withName(FLAG).get();
    return flag == null ? null : flag.getStatus();
  }

  private Condition propagated() {
    FeatureFlagStatus status = status();
    Optional<Condition> condition = status == null ? Optional.empty()
        : status.getConditions().stream().filter(c -> "Propagated".equals(c.getType())).findFirst();
    return condition.orElseThrow(() -> new AssertionError("no Propagated condition in " + status));
  }

  private static FeatureFlag flag(boolean enabled) {
    FeatureFlag flag = new FeatureFlag();
    flag.setMetadata(new ObjectMetaBuilder().withName(FLAG).withNamespace(NS).build());
    FeatureFlagSpec spec = new FeatureFlagSpec();
    spec.setKey("slack_events_app_home_opened");
    spec.setActorType("none");
    EnvironmentState production = new EnvironmentState();
    production.setEnabled(enabled);
    spec.setEnvironments(new java.util.LinkedHashMap<>(Map.of("production", production)));
    flag.setSpec(spec);
    return flag;
  }
}
