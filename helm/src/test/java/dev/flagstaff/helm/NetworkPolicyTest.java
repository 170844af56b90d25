package dev.flagstaff.helm;

import static dev.flagstaff.helm.Values.ENDPOINT;
import static dev.flagstaff.helm.Values.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Who can reach the pods: by default only the events port (the Service's) from other pods; the management port
 * (/metrics, /flags) only from the namespaces named for Prometheus.
 */
class NetworkPolicyTest {

  private static List<String> ports(NetworkPolicyIngressRule rule) {
    return rule.getPorts().stream().map(NetworkPolicyPort::getPort).map(p -> p.getStrVal()).toList();
  }

  private static NetworkPolicyIngressRule ruleFor(NetworkPolicy policy, String port) {
    return policy.getSpec().getIngress().stream().filter(r -> ports(r).contains(port)).findFirst().orElse(null);
  }

  @Test
  void byDefaultOnlyTheEventsPortIsOpenAndTheManagementPortIsClosed() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    NetworkPolicy endpoint = manifests.get(NetworkPolicy.class, ENDPOINT);
    assertThat(endpoint.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(endpoint.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(manifests.get(Deployment.class, ENDPOINT).getSpec().getSelector().getMatchLabels());
    assertThat(endpoint.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(ports(rule)).containsExactly("http");
      assertThat(rule.getFrom()).isNullOrEmpty(); // every source
    });
    // The port the rule names is the one the Service sends to.
    assertThat(manifests.get(io.fabric8.kubernetes.api.model.Service.class, ENDPOINT).getSpec().getPorts())
        .singleElement().satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));

    NetworkPolicy operator = manifests.get(NetworkPolicy.class, OPERATOR);
    assertThat(operator.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(manifests.get(Deployment.class, OPERATOR).getSpec().getSelector().getMatchLabels());
    assertThat(operator.getSpec().getIngress()).isNullOrEmpty(); // nothing gets in
  }

  @Test
  void theManagementPortOpensToTheNamespacesNamedForPrometheus() {
    Manifests manifests = Chart.render(Values.defaultsWith("""
        networkPolicy:
          prometheusNamespaces: [monitoring, observability]
          managementFrom:
            - podSelector: {matchLabels: {app: qa-tools}}
        """));

    for (String name : List.of(ENDPOINT, OPERATOR)) {
      NetworkPolicyIngressRule management = ruleFor(manifests.get(NetworkPolicy.class, name), "management");
      assertThat(management).as(name).isNotNull();
      assertThat(management.getFrom()).hasSize(2);
      var namespaces = management.getFrom().get(0).getNamespaceSelector().getMatchExpressions();
      assertThat(namespaces).singleElement().satisfies(e -> {
        assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
        assertThat(e.getOperator()).isEqualTo("In");
        assertThat(e.getValues()).containsExactly("monitoring", "observability");
      });
      assertThat(management.getFrom().get(0).getPodSelector()).isNull();
      assertThat(management.getFrom().get(1).getPodSelector().getMatchLabels()).containsEntry("app", "qa-tools");
    }
    NetworkPolicyIngressRule events = ruleFor(manifests.get(NetworkPolicy.class, ENDPOINT), "http");
    assertThat(events.getFrom()).isNullOrEmpty();
  }

  @Test
  void theEventsPortCanBeNarrowedAndThePoliciesTurnedOff() {
    Manifests narrowed = Chart.render(Values.defaultsWith("""
        networkPolicy:
          eventsFrom:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}
        """));
    NetworkPolicyIngressRule events = ruleFor(narrowed.get(NetworkPolicy.class, ENDPOINT), "http");
    assertThat(events.getFrom()).singleElement().satisfies(peer -> assertThat(
        peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "ingress-nginx"));

    assertThat(Chart.render(Values.defaultsWith("networkPolicy: {enabled: false}")).ofType(NetworkPolicy.class))
        .isEmpty();
    assertThat(Chart.render(Values.defaultsWith("operator: {enabled: false}")).ofType(NetworkPolicy.class))
        .singleElement().satisfies(p -> assertThat(p.getMetadata().getName()).isEqualTo(ENDPOINT));
  }

  @Test
  void aNamespaceThatIsNotADnsLabelIsRefused() {
    assertThat(Chart.renderFailure(Values.defaultsWith("networkPolicy: {prometheusNamespaces: [Monitoring]}")))
        .contains("prometheusNamespaces");
  }

  @Test
  void theRequestDeadlineReachesTheEndpoint() {
    Manifests manifests = Chart.render(Values.defaultsWith("endpoint: {requestDeadline: 5s}"));
    assertThat(manifests.get(Deployment.class, ENDPOINT).getSpec().getTemplate().getSpec().getContainers().get(0)
        .getEnv()).anySatisfy(e -> {
          assertThat(e.getName()).isEqualTo("FLAGSTAFF_REQUEST_DEADLINE");
          assertThat(e.getValue()).isEqualTo("5s");
        });
    assertThat(Chart.renderFailure(Values.defaultsWith("endpoint: {requestDeadline: soon}")))
        .contains("requestDeadline");
  }
}
