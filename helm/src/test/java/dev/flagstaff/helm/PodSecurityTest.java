package dev.flagstaff.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every pod the chart creates would be admitted under the "restricted" Pod Security Standard,
 * runs with requests and limits, and is probed on the management port its process listens on.
 */
class PodSecurityTest {

  @ParameterizedTest(name = "{index}")
  @ValueSource(strings = {Values.DEFAULTS, Values.NON_DEFAULT})
  void everyPodAndContainerIsRestricted(String values) {
    List<Deployment> deployments = Chart.render(values).ofType(Deployment.class);

    assertThat(deployments).hasSize(2).allSatisfy(deployment -> {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
      assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
      assertThat(pod.getContainers()).isNotEmpty().allSatisfy(container -> {
        var security = container.getSecurityContext();
        assertThat(security.getRunAsNonRoot()).as(container.getName()).isTrue();
        assertThat(security.getReadOnlyRootFilesystem()).as(container.getName()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).as(container.getName()).isFalse();
        assertThat(security.getPrivileged()).as(container.getName()).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).as(container.getName()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).as(container.getName()).isNullOrEmpty();
        assertThat(security.getSeccompProfile().getType()).as(container.getName()).isEqualTo("RuntimeDefault");
      });
    });
  }

  @ParameterizedTest(name = "{index}")
  @ValueSource(strings = {Values.DEFAULTS, Values.NON_DEFAULT})
  void aReadOnlyRootStillHasAWritableTmpAndTheJvmFollowsTheMemoryLimit(String values) {
    for (Deployment deployment : Chart.render(values).ofType(Deployment.class)) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      Container container = pod.getContainers().get(0);
      String volume = container.getVolumeMounts().stream()
          .filter(m -> m.getMountPath().equals("/tmp")).findFirst()
          .orElseThrow(() -> new AssertionError(container.getName() + " has no /tmp")).getName();
      assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(volume))
          .singleElement().extracting(Volume::getEmptyDir).isNotNull();
      assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(container.getResources().getLimits()).containsKey("memory");
      assertThat(env(container, "JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
    }
  }

  @ParameterizedTest(name = "{index}")
  @ValueSource(strings = {Values.DEFAULTS, Values.NON_DEFAULT})
  void probesAskTheManagementPortTheProcessListensOn(String values) {
    for (Deployment deployment : Chart.render(values).ofType(Deployment.class)) {
      Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      ContainerPort management = container.getPorts().stream()
          .filter(p -> "management".equals(p.getName())).findFirst()
          .orElseThrow(() -> new AssertionError(container.getName() + " names no management port"));
      assertThat(management.getContainerPort()).isEqualTo(9090);
      assertThat(env(container, "FLAGSTAFF_MANAGEMENT_PORT")).isEqualTo("9090");

      assertHttpGet(container.getLivenessProbe(), "/healthz");
      assertHttpGet(container.getReadinessProbe(), "/readyz");
      assertHttpGet(container.getStartupProbe(), "/healthz");
    }
  }

  @ParameterizedTest(name = "{index}")
  @ValueSource(strings = {Values.DEFAULTS, Values.NON_DEFAULT})
  void eachPodRunsAsItsOwnServiceAccountWithAnApiToken(String values) {
    Manifests manifests = Chart.render(values);

    List<String> accounts = manifests.ofType(Deployment.class).stream()
        .map(d -> d.getSpec().getTemplate().getSpec())
        .peek(pod -> assertThat(pod.getAutomountServiceAccountToken()).isTrue())
        .map(PodSpec::getServiceAccountName)
        .toList();
    assertThat(accounts).doesNotHaveDuplicates().doesNotContainNull();
    assertThat(manifests.ofType(ServiceAccount.class)).extracting(sa -> sa.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(accounts);
  }

  private static void assertHttpGet(Probe probe, String path) {
    assertThat(probe).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
  }

  private static String env(Container container, String name) {
    return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue)
        .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " has no " + name));
  }
}
