package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resources this version cannot read, as a schema-less or older CRD admits them (the mock checks no schema either):
 * each is refused with its name and the reason, and nothing else stops — other flags are served, before and after,
 * and across a restart, and the operator stays ready.
 */
class UnreadableResourceTest {
  private static final ResourceDefinitionContext FLAGS = ResourceDefinitionContext.fromResourceType(FeatureFlag.class);

  private final OperatorHarness k8s = new OperatorHarness();

  @AfterEach
  void stop() {
    k8s.close();
  }

  private void createRaw(String name, Object spec) {
    GenericKubernetesResource raw = new GenericKubernetesResourceBuilder()
        .withApiVersion("flagstaff.dev/v1alpha1").withKind("FeatureFlag")
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
    k8s.client.genericKubernetesResources(FLAGS).inNamespace(NAMESPACE).resource(raw).create();
  }

  @Test
  void unreadableFlagsAreRefusedOneByOneAndEveryOtherFlagIsServed() {
    k8s.startOperator();
    k8s.create(flag("before", "before", Map.of("production", on())));
    await().until(() -> k8s.liveData(NAMESPACE).containsKey("before"));

    Map<String, Object> cases = Map.of(
        "bad-percentage", Map.of("environments", Map.of("production", Map.of("enabled", true, "percentage", "abc"))),
        "bad-spec", "hello",
        "bad-enabled", Map.of("environments", Map.of("production", Map.of("enabled", "yes"))),
        "bad-environments", Map.of("environments", List.of("production")),
        "bad-enum", Map.of("environments", Map.of("production",
            Map.of("enabled", true, "percentage", 5, "strategy", "sometimes"))));
    cases.forEach(this::createRaw);
    k8s.create(flag("after", "after", Map.of("production", on())));

    await().until(() -> k8s.liveData(NAMESPACE).containsKey("after"));
    for (String name : cases.keySet()) {
      await().until(() -> k8s.eventLines(NAMESPACE, name, "InvalidSpec").size() == 1);
      assertThat(k8s.eventLines(NAMESPACE, name, "InvalidSpec").get(0))
          .startsWith("Warning InvalidSpec spec cannot be read (spec");
      assertThat(k8s.condition(NAMESPACE, name, "Stalled").orElseThrow().getStatus()).isEqualTo("True");
      assertThat(k8s.liveData(NAMESPACE)).doesNotContainKey(name.replace('-', '_')).doesNotContainKey(name);
    }
    assertThat(k8s.eventLines(NAMESPACE, "bad-percentage", "InvalidSpec").get(0))
        .contains("spec.environments.production.percentage");
    assertThat(k8s.management("/readyz").statusCode()).isEqualTo(200);

    // a restart reads them again without stopping
    k8s.stopOperator();
    k8s.startOperator();
    k8s.create(flag("restarted", "restarted", Map.of("production", on())));
    await().until(() -> k8s.liveData(NAMESPACE).containsKey("restarted"));
    assertThat(k8s.management("/readyz").statusCode()).isEqualTo(200);
  }
}
