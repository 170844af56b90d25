package dev.flagstaff.helm;

import static dev.flagstaff.helm.Values.ENDPOINT;
import static dev.flagstaff.helm.Values.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

/** The operator's Deployment and both components' disruption budgets. */
class OperatorDeploymentTest {

  @Test
  void theOperatorServesTheRequiredEnvironment() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    var env = SlackEndpointTest.env(manifests, OPERATOR);
    assertThat(env).containsEntry("FLAGSTAFF_ENVIRONMENT", "staging")
        .containsEntry("FLAGSTAFF_CONFIGMAP", "feature-flags")
        .containsEntry("FLAGSTAFF_MANAGEMENT_PORT", "9090")
        .containsEntry("FLAGSTAFF_LOG_LEVEL", "INFO")
        .containsEntry("FLAGSTAFF_RECONCILE_THREADS", "50")
        .containsEntry("FLAGSTAFF_VERIFICATION_ENVIRONMENT", "production");
    assertThat(SlackEndpointTest.envVars(manifests, OPERATOR).get("POD_NAMESPACE")
        .getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    Container container = SlackEndpointTest.pod(manifests, OPERATOR).getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("flagstaff/operator:0.1.0");
    assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
  }

  @Test
  void nonDefaultValuesReachTheOperator() {
    Manifests manifests = Chart.render(Values.NON_DEFAULT);

    var env = SlackEndpointTest.env(manifests, Values.NON_DEFAULT_OPERATOR);
    assertThat(env).containsEntry("FLAGSTAFF_ENVIRONMENT", "production")
        .containsEntry("FLAGSTAFF_CONFIGMAP", "flags-prod")
        .containsEntry("FLAGSTAFF_NAMESPACES", "team-a,team-b")
        .containsEntry("FLAGSTAFF_LEADER_ELECTION", "true")
        .containsEntry("FLAGSTAFF_RECONCILE_THREADS", "200")
        .containsEntry("FLAGSTAFF_LOG_LEVEL", "DEBUG");
    var pod = SlackEndpointTest.pod(manifests, Values.NON_DEFAULT_OPERATOR);
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo("registry.example/flagstaff/operator:1.2.3");
    assertThat(pod.getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
    assertThat(pod.getImagePullSecrets()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo("registry-pull"));
  }

  @Test
  void aSingleOperatorMayBeDrainedAndOfTwoOneStaysUp() {
    Manifests single = Chart.render(Values.DEFAULTS);
    PodDisruptionBudget one = single.get(PodDisruptionBudget.class, OPERATOR);
    assertThat(one.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(one.getSpec().getMinAvailable()).isNull();
    assertSelects(one, single.get(Deployment.class, OPERATOR));

    Manifests two = Chart.render(Values.defaultsWith("operator: {replicas: 2}"));
    PodDisruptionBudget pair = two.get(PodDisruptionBudget.class, OPERATOR);
    assertThat(pair.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(pair.getSpec().getMaxUnavailable()).isNull();
  }

  @Test
  void theEndpointKeepsOneOfItsReplicasThroughADrain() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    PodDisruptionBudget budget = manifests.get(PodDisruptionBudget.class, ENDPOINT);
    assertThat(budget.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertSelects(budget, manifests.get(Deployment.class, ENDPOINT));
  }

  @Test
  void disruptionBudgetsCanBeTurnedOff() {
    Manifests manifests = Chart.render(Values.defaultsWith("""
        operator: {podDisruptionBudget: {enabled: false}}
        endpoint: {podDisruptionBudget: {enabled: false}}
        """));

    assertThat(manifests.ofType(PodDisruptionBudget.class)).isEmpty();
  }

  private static void assertSelects(PodDisruptionBudget budget, Deployment deployment) {
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
  }
}
