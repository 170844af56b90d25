package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.CONFIGMAP;
import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.off;
import static dev.flagstaff.operator.OperatorHarness.on;
import static dev.flagstaff.operator.OperatorHarness.percent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.operator.status.Conditions;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.flags.FlagEvaluator;
import dev.flagstaff.flags.FlagState;
import dev.flagstaff.flags.Strategy;
import io.fabric8.kubernetes.api.model.Condition;
import dev.flagstaff.testkit.Edits;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The operator against the mock API server: what a user sees in the ConfigMap, the status and the Events. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeatureFlagReconcilerTest {
  private static final String THEIRS = "written_by_someone_else";

  private OperatorHarness k8s;

  @BeforeAll
  void start() {
    k8s = new OperatorHarness();
    // A key the operator does not own: it must survive every operation below.
    k8s.client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(CONFIGMAP).endMetadata()
        .withData(Map.of(THEIRS, "{\"enabled\":true}"))
        .build()).create();
    k8s.startOperator();
  }

  @AfterAll
  void stop() {
    assertThat(k8s.liveData(NAMESPACE)).containsEntry(THEIRS, "{\"enabled\":true}");
    k8s.close();
  }

  @Test
  void createWritesTheKeyAndAReadyStatus() {
    k8s.create(flag("app-home", "slack_events_app_home_opened",
        Map.of("staging", on(), "production", percent(10, Strategy.RANDOM))));

    await().until(() -> k8s.data(NAMESPACE).get("slack_events_app_home_opened") != null);
    assertThat(k8s.data(NAMESPACE)).containsEntry("slack_events_app_home_opened",
        "{\"enabled\":true,\"percentage\":10,\"strategy\":\"random\",\"generation\":1}");

    await().until(() -> k8s.condition(NAMESPACE, "app-home", Conditions.READY).isPresent());
    FeatureFlag flag = k8s.get(NAMESPACE, "app-home");
    assertThat(flag.getMetadata().getFinalizers()).contains(FeatureFlagReconciler.FINALIZER);
    assertThat(flag.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(flag.getStatus().getEnvironment()).isEqualTo("production");
    assertThat(flag.getStatus().getKey()).isEqualTo("slack_events_app_home_opened");
    assertThat(flag.getStatus().getState()).isEqualTo("10% of time");
    assertThat(flag.getStatus().getConditions())
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason, Condition::getObservedGeneration)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Ready", "True", "Applied", 1L),
            org.assertj.core.groups.Tuple.tuple("Reconciling", "False", "Applied", 1L),
            org.assertj.core.groups.Tuple.tuple("Stalled", "False", "Applied", 1L),
            org.assertj.core.groups.Tuple.tuple("Propagated", "False", "NoConsumers", 1L));
    assertThat(k8s.condition(NAMESPACE, "app-home", "Ready").get().getMessage())
        .isEqualTo("production: 10% of time (generation 1)");
    await().until(() -> !k8s.eventLines(NAMESPACE, "app-home", "StateChanged").isEmpty());
    assertThat(k8s.eventLines(NAMESPACE, "app-home", "StateChanged"))
        .containsExactly("Normal StateChanged production: unset → 10% of time");
  }

  @Test
  void percentageStrategyAndRollbackEachChangeTheKey() {
    k8s.create(flag("rollout", "rollout_flag", Map.of("production", percent(10, Strategy.RANDOM))));
    await().until(() -> "10% of time".equals(state("rollout")));
    String readySince = k8s.condition(NAMESPACE, "rollout", "Ready").get().getLastTransitionTime();

    k8s.edit(NAMESPACE, "rollout", f -> {
      f.getSpec().getEnvironments().put("production", percent(50, Strategy.ACTORS));
      return f;
    });
    await().until(() -> "{\"enabled\":true,\"percentage\":50,\"strategy\":\"actors\",\"generation\":2}"
        .equals(k8s.data(NAMESPACE).get("rollout_flag")));
    await().until(() -> "50% of actors".equals(state("rollout")));
    FeatureFlag flag = k8s.get(NAMESPACE, "rollout");
    assertThat(flag.getStatus().getObservedGeneration()).isEqualTo(2L);
    Condition ready = k8s.condition(NAMESPACE, "rollout", "Ready").get();
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    assertThat(ready.getLastTransitionTime()).as("Ready stayed True").isEqualTo(readySince);

    // the rollback: enabled: false, whatever else is set
    k8s.edit(NAMESPACE, "rollout", f -> {
      f.getSpec().getEnvironments().get("production").setEnabled(false);
      return f;
    });
    await().until(() -> k8s.data(NAMESPACE).get("rollout_flag").endsWith("\"generation\":3}"));
    FlagState rolledBack = FlagCodec.decode(k8s.data(NAMESPACE).get("rollout_flag"));
    assertThat(rolledBack.enabled()).isFalse();
    assertThat(FlagEvaluator.isEnabled("rollout_flag", rolledBack, "User:1")).isFalse();
    await().until(() -> "Disabled".equals(state("rollout")));
    await().untilAsserted(() -> assertThat(k8s.eventLines(NAMESPACE, "rollout", "StateChanged")).containsExactlyInAnyOrder(
        "Normal StateChanged production: unset → 10% of time",
        "Normal StateChanged production: 10% of time → 50% of actors",
        "Normal StateChanged production: 50% of actors → Disabled"));
  }

  @Test
  void anEnvironmentTheResourceDoesNotMentionGetsDefaultEnabled() {
    FeatureFlag byDefault = flag("by-default", "by_default", Map.of("staging", off()));
    byDefault.getSpec().setDefaultEnabled(true);
    k8s.create(byDefault);
    await().until(() -> "{\"enabled\":true,\"generation\":1}".equals(k8s.data(NAMESPACE).get("by_default")));

    k8s.create(flag("not-here", "not_here", Map.of("staging", on())));
    await().until(() -> "{\"enabled\":false,\"generation\":1}".equals(k8s.data(NAMESPACE).get("not_here")));
  }

  @Test
  void deleteRemovesOnlyItsKey() {
    k8s.create(flag("short-lived", "short_lived", Map.of("production", on())));
    k8s.create(flag("neighbour", "neighbour", Map.of("production", off())));
    await().until(() -> k8s.liveData(NAMESPACE).containsKey("short_lived")
        && k8s.liveData(NAMESPACE).containsKey("neighbour"));

    k8s.delete(NAMESPACE, "short-lived");

    await().until(() -> k8s.get(NAMESPACE, "short-lived") == null);
    assertThat(k8s.data(NAMESPACE)).doesNotContainKey("short_lived")
        .containsEntry("neighbour", "{\"enabled\":false,\"generation\":1}")
        .containsEntry(THEIRS, "{\"enabled\":true}");
  }

  @Test
  void fiftyFlagsCreatedAtOnceGiveFiftyKeys() {
    for (int i = 0; i < 50; i++) {
      k8s.create(flag("bulk-" + i, "bulk_" + i, Map.of("production", i % 2 == 0 ? on() : off())));
    }
    await().until(() -> k8s.liveData(NAMESPACE).keySet().stream().filter(k -> k.startsWith("bulk_")).count() == 50);
    Map<String, String> data = k8s.data(NAMESPACE);
    for (int i = 0; i < 50; i++) {
      assertThat(data.get("bulk_" + i)).isEqualTo("{\"enabled\":" + (i % 2 == 0) + ",\"generation\":1}");
    }
    await().until(() -> k8s.get(NAMESPACE, "bulk-49").getStatus() != null);
  }

  @Test
  void aSecondClaimOnAKeyIsRefusedAndTakesOverWhenTheFirstIsDeleted() {
    k8s.create(flag("first-claim", "shared_key", Map.of("production", on())));
    await().until(() -> "Enabled".equals(state("first-claim")));
    k8s.create(flag("second-claim", "shared_key", Map.of("production", off())));

    await().until(() -> k8s.condition(NAMESPACE, "second-claim", "Stalled")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    Condition stalled = k8s.condition(NAMESPACE, "second-claim", "Stalled").get();
    assertThat(stalled.getReason()).isEqualTo("KeyConflict");
    assertThat(stalled.getMessage()).contains("shared_key").contains("first-claim");
    assertThat(k8s.condition(NAMESPACE, "second-claim", "Ready").get().getStatus()).isEqualTo("False");
    assertThat(k8s.data(NAMESPACE)).containsEntry("shared_key", "{\"enabled\":true,\"generation\":1}");
    await().until(() -> k8s.eventLines(NAMESPACE, "second-claim", "KeyConflict").size() == 1);
    assertThat(k8s.eventLines(NAMESPACE, "second-claim", "KeyConflict").get(0)).startsWith("Warning KeyConflict");

    k8s.delete(NAMESPACE, "first-claim");

    await().until(() -> "{\"enabled\":false,\"generation\":1}".equals(k8s.data(NAMESPACE).get("shared_key")));
    await().until(() -> "Disabled".equals(state("second-claim")));
    assertThat(k8s.condition(NAMESPACE, "second-claim", "Stalled").get().getStatus()).isEqualTo("False");
  }

  @Test
  void claimsMadeInTheSameInstantEndWithTheFirstOneOwningTheKey() {
    k8s.create(flag("aaa-racer", "race_key", Map.of("production", on())));
    k8s.create(flag("bbb-racer", "race_key", Map.of("production", off())));

    await().until(() -> k8s.condition(NAMESPACE, "bbb-racer", "Stalled")
        .filter(c -> "True".equals(c.getStatus()) && "KeyConflict".equals(c.getReason())).isPresent());
    await().until(() -> "{\"enabled\":true,\"generation\":1}".equals(k8s.data(NAMESPACE).get("race_key")));
    await().until(() -> k8s.condition(NAMESPACE, "aaa-racer", "Ready")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
  }

  @Test
  void anUnusableResourceIsStalledWithOneWarningUntilFixed() {
    FeatureFlag broken = flag("broken", "broken_flag", Map.of("production", percent(10, Strategy.ACTORS)));
    broken.getSpec().setActorType("none");
    k8s.create(broken);

    await().until(() -> k8s.condition(NAMESPACE, "broken", "Stalled")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    Condition stalled = k8s.condition(NAMESPACE, "broken", "Stalled").get();
    assertThat(stalled.getReason()).isEqualTo("InvalidSpec");
    assertThat(stalled.getMessage()).contains("actorType none");
    assertThat(k8s.condition(NAMESPACE, "broken", "Ready").get().getStatus()).isEqualTo("False");
    assertThat(k8s.condition(NAMESPACE, "broken", "Reconciling").get().getStatus()).isEqualTo("False");
    assertThat(k8s.data(NAMESPACE)).doesNotContainKey("broken_flag");
    await().until(() -> k8s.eventLines(NAMESPACE, "broken", "InvalidSpec").size() == 1);

    // Looked at again while unchanged (here: asked to; an unrelated ConfigMap edit would not wake it): the refusal
    // already reported gets no new Event.
    double stalledBefore = k8s.metric("flagstaff_reconciles_total{outcome=\"stalled\"}");
    k8s.operator().wake();
    await().until(() -> k8s.metric("flagstaff_reconciles_total{outcome=\"stalled\"}") > stalledBefore);
    assertThat(k8s.eventLines(NAMESPACE, "broken", "InvalidSpec")).hasSize(1);

    String stalledSince = stalled.getLastTransitionTime();
    k8s.edit(NAMESPACE, "broken", f -> {
      f.getSpec().setActorType("user");
      return f;
    });
    await().until(() -> "{\"enabled\":true,\"percentage\":10,\"strategy\":\"actors\",\"generation\":2}"
        .equals(k8s.data(NAMESPACE).get("broken_flag")));
    await().until(() -> k8s.condition(NAMESPACE, "broken", "Stalled")
        .filter(c -> "False".equals(c.getStatus())).isPresent());
    assertThat(k8s.condition(NAMESPACE, "broken", "Ready").get().getStatus()).isEqualTo("True");
    assertThat(k8s.condition(NAMESPACE, "broken", "Stalled").get().getLastTransitionTime())
        .isGreaterThanOrEqualTo(stalledSince);
  }

  @Test
  void changingTheKeyMovesTheValue() {
    k8s.create(flag("renamed", "old_name", Map.of("production", on())));
    await().until(() -> k8s.liveData(NAMESPACE).containsKey("old_name"));

    k8s.edit(NAMESPACE, "renamed", f -> {
      f.getSpec().setKey("new_name");
      return f;
    });

    await().until(() -> k8s.liveData(NAMESPACE).containsKey("new_name")
        && !k8s.liveData(NAMESPACE).containsKey("old_name"));
    await().until(() -> "new_name".equals(k8s.get(NAMESPACE, "renamed").getStatus().getKey()));
  }

  @Test
  void aKeyRemovedBySomeoneElseIsWrittenAgain() {
    k8s.create(flag("drifting", "drifting", Map.of("production", on())));
    await().until(() -> k8s.liveData(NAMESPACE).containsKey("drifting"));

    k8s.client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP)
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/data/drifting\"}]");

    await().until(() -> "{\"enabled\":true,\"generation\":1}".equals(k8s.data(NAMESPACE).get("drifting")));
    await().until(() -> k8s.eventLines(NAMESPACE, "drifting", "DriftRepaired").size() == 1);
  }

  @Test
  void aValueChangedBySomeoneElseIsPutBack() {
    k8s.create(flag("edited", "edited", Map.of("production", off())));
    k8s.create(flag("bystander", "bystander", Map.of("production", on())));
    await().until(() -> k8s.liveData(NAMESPACE).containsKey("edited") && k8s.liveData(NAMESPACE).containsKey("bystander"));

    // kubectl edit configmap feature-flags: someone turns the flag on behind the operator's back
    Edits.edit(k8s.client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP),
        cm -> new ConfigMapBuilder(cm).addToData("edited", "{\"enabled\":true}").build());

    await().until(() -> "{\"enabled\":false,\"generation\":1}".equals(k8s.data(NAMESPACE).get("edited")));
    await().until(() -> k8s.eventLines(NAMESPACE, "edited", "DriftRepaired").size() == 1);
    assertThat(k8s.eventLines(NAMESPACE, "edited", "DriftRepaired").get(0))
        .startsWith("Normal DriftRepaired key 'edited' of ConfigMap feature-flags was changed or removed outside");
    assertThat(k8s.eventLines(NAMESPACE, "bystander", "DriftRepaired")).isEmpty();
  }

  @Test
  void managementPortServesHealthReadinessAndMetrics() {
    k8s.create(flag("metered", "metered", Map.of("production", percent(5, Strategy.ACTORS))));
    await().until(() -> "5% of actors".equals(state("metered")));

    assertThat(k8s.management("/healthz").statusCode()).isEqualTo(200);
    assertThat(k8s.management("/readyz").statusCode()).isEqualTo(200);
    await().until(() -> k8s.metric("flagstaff_flags{state=\"partial\"}") >= 1);
    assertThat(k8s.metric("flagstaff_reconciles_total{outcome=\"applied\"}")).isGreaterThanOrEqualTo(1);
    assertThat(k8s.metric("flagstaff_configmap_patches_total")).isGreaterThanOrEqualTo(1);
    assertThat(k8s.metric("flagstaff_configmap_limit_bytes")).isEqualTo(1048576);
    // the gauge says what the API server counts against the limit: every key and value, in UTF-8 bytes
    long bytes = k8s.data(NAMESPACE).entrySet().stream()
        .mapToLong(e -> utf8(e.getKey()) + (e.getValue() == null ? 0 : utf8(e.getValue()))).sum();
    await().until(() -> k8s.metric("flagstaff_configmap_bytes{namespace=\"flags\"}") == bytes);
    assertThat(k8s.management("/metrics").body()).contains("operator_sdk_");
  }

  private static long utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  private String state(String name) {
    FeatureFlag flag = k8s.get(NAMESPACE, name);
    return flag == null || flag.getStatus() == null ? null : flag.getStatus().getState();
  }
}
