package dev.flagstaff.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The MutatingAdmissionPolicy that puts the operator's finalizer on new FeatureFlags: rendered where the cluster
 * has the API (Kubernetes 1.36+) unless turned off, bound to exactly the namespaces the operator watches, and
 * putting on the finalizer the operator holds (kube-tests' FinalizerPolicyIT shows a real API server applying it).
 */
class FinalizerPolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = Chart.NAMESPACE + "-" + Values.OPERATOR + "-finalizer";

  @Test
  void onKubernetes136AndLaterTheReleaseNamespaceGetsThePolicy() {
    Manifests manifests = Chart.renderFor("v1.36.0", Values.DEFAULTS);

    JsonNode policy = only(manifests, "MutatingAdmissionPolicy");
    assertThat(policy.at("/metadata/name").asText()).isEqualTo(NAME);
    assertThat(policy.at("/spec/matchConstraints/resourceRules/0/operations").toString()).isEqualTo("[\"CREATE\"]");
    assertThat(policy.at("/spec/matchConstraints/resourceRules/0/resources").toString())
        .isEqualTo("[\"featureflags\"]");
    assertThat(policy.at("/spec/failurePolicy").asText()).as("a policy that fails never blocks a create")
        .isEqualTo("Ignore");
    assertThat(policy.at("/spec/mutations/0/applyConfiguration/expression").asText())
        .contains("\"flagstaff.dev/configmap-key\"");

    JsonNode binding = only(manifests, "MutatingAdmissionPolicyBinding");
    assertThat(binding.at("/spec/policyName").asText()).isEqualTo(NAME);
    assertThat(binding.at("/spec/matchResources/namespaceSelector/matchExpressions/0/values").toString())
        .isEqualTo("[\"" + Chart.NAMESPACE + "\"]");
  }

  @Test
  void theBindingFollowsTheWatchedNamespaces() {
    JsonNode listed = only(Chart.renderFor("v1.37.2", Values.defaultsWith(
        "operator: {watchNamespaces: [team-a, team-b]}")), "MutatingAdmissionPolicyBinding");
    assertThat(listed.at("/spec/matchResources/namespaceSelector/matchExpressions/0/values").toString())
        .isEqualTo("[\"team-a\",\"team-b\"]");

    JsonNode all = only(Chart.renderFor("v1.37.2", Values.defaultsWith("operator: {watchNamespaces: ['*']}")),
        "MutatingAdmissionPolicyBinding");
    assertThat(all.has("spec") && !all.get("spec").has("matchResources")).as("every namespace").isTrue();
  }

  @Test
  void olderClustersAndTurningItOffRenderNoPolicyAndTrueForcesIt() {
    assertThat(Chart.renderFor("v1.35.0", Values.DEFAULTS).ofKind("MutatingAdmissionPolicy")).isEmpty();
    assertThat(Chart.renderFor("v1.37.2", Values.defaultsWith("operator: {finalizerPolicy: false}"))
        .ofKind("MutatingAdmissionPolicy")).isEmpty();
    assertThat(Chart.renderFor("v1.35.0", Values.defaultsWith("operator: {finalizerPolicy: true}"))
        .ofKind("MutatingAdmissionPolicyBinding")).hasSize(1);
    assertThat(Chart.renderFor("v1.37.2", Values.defaultsWith("operator: {enabled: false}"))
        .ofKind("MutatingAdmissionPolicy")).isEmpty();
  }

  @Test
  void aValueOtherThanAutoTrueOrFalseIsRefused() {
    assertThat(Chart.renderFailure(Values.defaultsWith("operator: {finalizerPolicy: sometimes}")))
        .contains("finalizerPolicy");
  }

  private static JsonNode only(Manifests manifests, String kind) {
    List<HasMetadata> objects = manifests.ofKind(kind);
    assertThat(objects).as(kind).hasSize(1);
    return JSON.valueToTree(objects.get(0));
  }
}
