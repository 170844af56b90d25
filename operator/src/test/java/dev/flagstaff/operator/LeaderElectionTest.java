package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas through a Lease: one leads, the standby is ready and takes over when the leader goes away. */
class LeaderElectionTest {
  private final OperatorHarness k8s = new OperatorHarness();
  private FlagstaffOperator first;
  private FlagstaffOperator second;

  @AfterEach
  void stop() {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
    k8s.close();
  }

  @Test
  void theStandbyTakesOverWhenTheLeaderStops() {
    Map<String, String> env = OperatorHarness.defaultEnv();
    env.put("FLAGSTAFF_LEADER_ELECTION", "true");
    first = k8s.newOperator(env);
    first.start();
    await().until(() -> holder() != null);
    String firstHolder = holder();
    second = k8s.newOperator(env);
    second.start();

    assertThat(first.ready()).isTrue();
    assertThat(second.ready()).as("a standby is healthy, hence ready").isTrue();
    k8s.create(flag("led", "led", Map.of("production", on())));
    await().until(() -> k8s.liveData(NAMESPACE).containsKey("led"));
    assertThat(holder()).isEqualTo(firstHolder);

    first.close();
    first = null;

    // The Lease is not released on stop, so the standby waits for it to expire (15 s by default).
    await().atMost(Duration.ofSeconds(45)).until(() -> holder() != null && !holder().equals(firstHolder));
    k8s.create(flag("after-failover", "after_failover", Map.of("production", on())));
    await().until(() -> k8s.liveData(NAMESPACE).containsKey("after_failover"));
  }

  private String holder() {
    Lease lease = k8s.client.leases().inNamespace(NAMESPACE).withName("flagstaff-operator-production").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
