package dev.flagstaff.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prometheus scraping: optional, and only ever through the management port. */
class MonitoringTest {

  @Test
  void byDefaultNothingForPrometheusIsCreated() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    assertThat(manifests.ofKind("ServiceMonitor")).isEmpty();
    assertThat(manifests.ofType(Service.class)).extracting(s -> s.getMetadata().getName())
        .containsExactly(Values.ENDPOINT);
    assertThat(manifests.ofType(Deployment.class)).allSatisfy(d ->
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty());
  }

  @Test
  void eachComponentGetsAServiceMonitorScrapingItsManagementPort() {
    Manifests manifests = Chart.render(Values.NON_DEFAULT);

    for (String component : List.of(Values.NON_DEFAULT_OPERATOR, Values.NON_DEFAULT_ENDPOINT)) {
      HasMetadata monitor = manifests.ofKind("ServiceMonitor").stream()
          .filter(m -> m.getMetadata().getName().equals(component)).findFirst()
          .orElseThrow(() -> new AssertionError("no ServiceMonitor " + component));
      assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
      assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
      Map<String, Object> spec = spec(monitor);
      @SuppressWarnings("unchecked")
      Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
      assertThat(endpoints).singleElement().satisfies(e -> {
        assertThat(e).containsEntry("port", "management").containsEntry("path", "/metrics");
      });

      // The Services it selects: exactly the headless metrics Service, which carries the management port only.
      List<Service> selected = manifests.ofType(Service.class).stream()
          .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
          .toList();
      assertThat(selected).singleElement().satisfies(service -> {
        assertThat(service.getMetadata().getName()).isEqualTo(component + "-metrics");
        assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
          assertThat(port.getName()).isEqualTo("management");
          assertThat(port.getTargetPort().getStrVal()).isEqualTo("management");
        });
        assertThat(service.getSpec().getSelector())
            .isEqualTo(manifests.get(Deployment.class, component).getSpec().getSelector().getMatchLabels());
      });
    }
  }

  @Test
  void podAnnotationsForPrometheusPointAtTheManagementPort() {
    Manifests manifests = Chart.render(Values.NON_DEFAULT);

    assertThat(manifests.ofType(Deployment.class)).hasSize(2).allSatisfy(d ->
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
            .containsEntry("prometheus.io/scrape", "true")
            .containsEntry("prometheus.io/port", "9090")
            .containsEntry("prometheus.io/path", "/metrics"));
    // ...without losing the user's own annotations.
    assertThat(manifests.get(Deployment.class, Values.NON_DEFAULT_OPERATOR)
        .getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("team", "integrations");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(HasMetadata resource) {
    return (Map<String, Object>) ((GenericKubernetesResource) resource).getAdditionalProperties().get("spec");
  }
}
