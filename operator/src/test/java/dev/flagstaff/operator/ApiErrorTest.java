package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.CONFIGMAP;
import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An API server error is not a verdict on the flag: it is counted, retried with backoff, and the flag converges. */
class ApiErrorTest {
  private final OperatorHarness k8s = new OperatorHarness();

  @AfterEach
  void stop() {
    k8s.close();
  }

  /** (The client itself retries 5xx answers; a 403 while RBAC is rolled out reaches the reconciler.) */
  @Test
  void aFailedWriteIsRetriedUntilItLands() {
    k8s.client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(CONFIGMAP).endMetadata().withData(Map.of()).build()).create();
    k8s.server.expect().patch().withPath("/api/v1/namespaces/" + NAMESPACE + "/configmaps/" + CONFIGMAP)
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\","
            + "\"message\":\"configmaps is forbidden (RBAC is being rolled out)\"}").times(2);
    k8s.startOperator();

    k8s.create(flag("retried", "retried", Map.of("production", on())));

    await().until(() -> "{\"enabled\":true,\"generation\":1}".equals(k8s.data(NAMESPACE).get("retried")));
    await().until(() -> k8s.condition(NAMESPACE, "retried", "Ready").filter(c -> "True".equals(c.getStatus()))
        .isPresent());
    assertThat(k8s.metric("flagstaff_reconciles_total{outcome=\"error\"}")).isEqualTo(2);
    assertThat(k8s.condition(NAMESPACE, "retried", "Stalled").get().getStatus()).isEqualTo("False");
    assertThat(k8s.events(NAMESPACE, "retried")).noneMatch(e -> "Warning".equals(e.getType()));
  }

  /** Events are sent off the reconcile: one refused is counted and logged, the flag is Ready all the same. */
  @Test
  void aRefusedEventIsCountedAndTheFlagIsReadyAllTheSame() {
    k8s.server.expect().post().withPath("/api/v1/namespaces/" + NAMESPACE + "/events")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\","
            + "\"message\":\"events is forbidden\"}").once();
    k8s.startOperator();

    k8s.create(flag("refused-event", "refused_event", Map.of("production", on())));
    await().until(() -> k8s.metric("flagstaff_events_total{result=\"failed\"}") == 1);
    assertThat(k8s.condition(NAMESPACE, "refused-event", "Ready").get().getStatus()).isEqualTo("True");
    assertThat(k8s.events(NAMESPACE, "refused-event")).isEmpty();

    k8s.create(flag("recorded-event", "recorded_event", Map.of("production", on())));
    await().until(() -> k8s.eventLines(NAMESPACE, "recorded-event", "StateChanged").size() == 1);
    assertThat(k8s.metric("flagstaff_events_total{result=\"recorded\"}")).isEqualTo(1);
    assertThat(k8s.metric("flagstaff_events_total{result=\"dropped\"}")).isZero();
  }
}
