package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.api.v1alpha1.Owners;
import dev.flagstaff.testkit.SlackApiStub;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Another writer changes a FeatureFlag's status between the operator's read and its status write (here a condition of
 * its own). The operator's write then conflicts: it must not put back the status it computed from the stale copy,
 * and the Events and announcement of the change come once, after the status recording them is saved.
 */
class StatusRecordTest {
  private static final String FOREIGN = "example.com/Approved";

  private final OperatorHarness k8s = new OperatorHarness();
  private final SlackApiStub slack = SlackApiStub.start();
  private final TestClock clock = new TestClock(Instant.parse("2026-03-02T09:00:00Z"));

  @AfterEach
  void stop() {
    k8s.close();
    slack.close();
  }

  @Test
  void aStatusChangeMadeDuringAReconcileSurvivesAndTheChangeIsReportedOnce() {
    Map<String, String> env = OperatorHarness.defaultEnv();
    env.put("SLACK_BOT_TOKEN", "xoxb-record-test");
    env.put("SLACK_API_URL", slack.baseUrl());
    k8s.startOperator(env, clock);
    // (a replace, with the resourceVersion read: the mock does not move the resourceVersion on a status patch)
    clock.duringNextReconcile(() -> {
      FeatureFlag f = k8s.get(NAMESPACE, "contested");
      FeatureFlagStatus status = f.getStatus() == null ? new FeatureFlagStatus() : f.getStatus();
      List<Condition> conditions = status.getConditions() == null ? new ArrayList<>()
          : new ArrayList<>(status.getConditions());
      conditions.add(new ConditionBuilder().withType(FOREIGN).withStatus("True").withReason("ChangeBoard")
          .withMessage("approved by the change board").withLastTransitionTime("2026-03-02T08:59:00Z").build());
      status.setConditions(conditions);
      f.setStatus(status);
      k8s.client.resource(f).updateStatus();
    });

    FeatureFlag flag = flag("contested", "contested", Map.of("production", on()));
    Owners owners = new Owners();
    owners.setSlackChannel("#contested");
    flag.getSpec().setOwners(owners);
    k8s.create(flag);

    await().until(() -> k8s.condition(NAMESPACE, "contested", "Ready").filter(c -> "True".equals(c.getStatus()))
        .isPresent());
    assertThat(k8s.data(NAMESPACE)).containsEntry("contested", "{\"enabled\":true,\"generation\":1}");
    Condition foreign = k8s.condition(NAMESPACE, "contested", FOREIGN).orElseThrow();
    assertThat(foreign.getMessage()).isEqualTo("approved by the change board");
    assertThat(foreign.getLastTransitionTime()).isEqualTo("2026-03-02T08:59:00Z");

    await().until(() -> k8s.eventLines(NAMESPACE, "contested", "StateChanged").size() == 1
        && slack.calls("chat.postMessage").size() == 1);
    // look again with nothing changed: still one of each
    double reconciles = k8s.metric("flagstaff_reconciles_total{outcome=\"unchanged\"}");
    k8s.operator().wake();
    await().until(() -> k8s.metric("flagstaff_reconciles_total{outcome=\"unchanged\"}") > reconciles);
    assertThat(k8s.eventLines(NAMESPACE, "contested", "StateChanged"))
        .containsExactly("Normal StateChanged production: unset → Enabled");
    assertThat(slack.calls("chat.postMessage")).singleElement()
        .satisfies(call -> assertThat(call.field("channel")).isEqualTo("#contested"));
    assertThat(k8s.condition(NAMESPACE, "contested", FOREIGN)).isPresent();
  }
}
