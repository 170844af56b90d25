package dev.flagstaff.helm;

import static dev.flagstaff.helm.Chart.NAMESPACE;
import static dev.flagstaff.helm.Values.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Slack endpoint: what it may read, what it exposes, and where its secrets come from. */
class SlackEndpointTest {

  @Test
  void itMayOnlyReadTheOneFlagsConfigMapAndKeepItsConsumerLeases() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    Role role = manifests.get(Role.class, ENDPOINT);
    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(Rules.grants(role.getRules())).as("the calls observed on a real API server (%s)", Rules.RECORD)
        .isEqualTo(Rules.ENDPOINT);
    assertThat(env(manifests, ENDPOINT)).containsEntry("FLAGSTAFF_REPORT_PROPAGATION", "true");
    assertThat(pod(manifests, ENDPOINT).getContainers().get(0).getEnv())
        .filteredOn(e -> "POD_NAME".equals(e.getName()))
        .singleElement().satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
            .isEqualTo("metadata.name"));
    RoleBinding binding = manifests.get(RoleBinding.class, ENDPOINT);
    assertThat(binding.getRoleRef().getName()).isEqualTo(ENDPOINT);
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(pod(manifests, ENDPOINT).getServiceAccountName());
    });
  }

  @Test
  void withoutPropagationReportsItMayNotTouchLeases() {
    Manifests manifests = Chart.render(Values.defaultsWith("endpoint: {reportPropagation: false}"));

    Role role = manifests.get(Role.class, ENDPOINT);
    assertThat(Rules.grants(role.getRules())).noneMatch(g -> g.contains("leases"));
    assertThat(env(manifests, ENDPOINT)).containsEntry("FLAGSTAFF_REPORT_PROPAGATION", "false");
  }

  @Test
  void theConfigMapItMayReadIsTheOneItIsToldToRead() {
    Manifests manifests = Chart.render(Values.NON_DEFAULT);

    Role role = manifests.get(Role.class, Values.NON_DEFAULT_ENDPOINT);
    assertThat(role.getRules()).filteredOn(rule -> rule.getResources().contains("configmaps")).singleElement()
        .satisfies(rule -> assertThat(rule.getResourceNames()).containsExactly("flags-prod"));
    assertThat(env(manifests, Values.NON_DEFAULT_ENDPOINT)).containsEntry("FLAGSTAFF_CONFIGMAP", "flags-prod");
  }

  @Test
  void theEventsServiceExposesTheEventsPortOnly() {
    Map<String, String> endpointByValues = Map.of(
        Values.DEFAULTS, ENDPOINT,
        Values.NON_DEFAULT, Values.NON_DEFAULT_ENDPOINT);
    for (Map.Entry<String, String> entry : endpointByValues.entrySet()) {
      Manifests manifests = Chart.render(entry.getKey());
      String name = entry.getValue();

      Service service = manifests.get(Service.class, name);
      assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
        assertThat(port.getName()).isEqualTo("http");
        assertThat(containerPort(manifests, name, port)).isEqualTo(8080);
      });
      assertThat(service.getSpec().getSelector())
          .isEqualTo(manifests.get(Deployment.class, name).getSpec().getSelector().getMatchLabels());
    }
  }

  @Test
  void noServiceButTheMetricsOnesReachesTheManagementPort() {
    Manifests manifests = Chart.render(Values.NON_DEFAULT);

    for (Service service : manifests.ofType(Service.class)) {
      boolean metricsService = service.getMetadata().getName().endsWith("-metrics");
      for (ServicePort port : service.getSpec().getPorts()) {
        boolean management = "management".equals(port.getTargetPort().getStrVal())
            || Integer.valueOf(9090).equals(port.getTargetPort().getIntVal());
        assertThat(management).as("%s port %s", service.getMetadata().getName(), port.getName())
            .isEqualTo(metricsService);
      }
    }
  }

  @Test
  void theSigningSecretAndBotTokenComeOnlyFromTheExistingSecret() {
    Manifests manifests = Chart.render(Values.defaultsWith("""
        slack: {existingSecret: slack-app, signingSecretKey: signing, botTokenKey: token}
        """));

    Map<String, EnvVar> env = envVars(manifests, ENDPOINT);
    assertSecretRef(env.get("SLACK_SIGNING_SECRET"), "slack-app", "signing");
    assertSecretRef(env.get("SLACK_BOT_TOKEN"), "slack-app", "token");
    assertThat(manifests.ofType(Secret.class)).isEmpty();
  }

  @Test
  void byDefaultTheSecretNamedInValuesIsUsedAndNoneIsCreated() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    Map<String, EnvVar> env = envVars(manifests, ENDPOINT);
    assertSecretRef(env.get("SLACK_SIGNING_SECRET"), "flagstaff-slack", "signing-secret");
    assertSecretRef(env.get("SLACK_BOT_TOKEN"), "flagstaff-slack", "bot-token");
    assertThat(manifests.ofType(Secret.class)).isEmpty();
  }

  @Test
  void aChartCreatedSecretHoldsTheValuesAndTheyAppearNowhereElse() {
    Manifests manifests = Chart.render(Values.NON_DEFAULT);

    Secret secret = manifests.get(Secret.class, "fs-slack");
    assertThat(decode(secret.getData().get("signing-secret"))).isEqualTo(Values.SIGNING_SECRET);
    assertThat(decode(secret.getData().get("bot-token"))).isEqualTo(Values.BOT_TOKEN);
    Map<String, EnvVar> env = envVars(manifests, Values.NON_DEFAULT_ENDPOINT);
    assertSecretRef(env.get("SLACK_SIGNING_SECRET"), "fs-slack", "signing-secret");
    assertSecretRef(env.get("SLACK_BOT_TOKEN"), "fs-slack", "bot-token");

    KubernetesSerialization serialization = new KubernetesSerialization();
    String everythingButTheSecret = manifests.all().stream()
        .filter(o -> !(o instanceof Secret))
        .map(serialization::asYaml)
        .collect(Collectors.joining("\n"));
    for (String value : new String[] {Values.SIGNING_SECRET, Values.BOT_TOKEN}) {
      assertThat(everythingButTheSecret).doesNotContain(value).doesNotContain(encode(value));
    }
    // Changing the secret values rolls the pods.
    assertThat(manifests.get(Deployment.class, Values.NON_DEFAULT_ENDPOINT)
        .getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/slack-secret");
  }

  @Test
  void noContainerGetsASecretAsAPlainValue() {
    for (String values : new String[] {Values.DEFAULTS, Values.NON_DEFAULT}) {
      Manifests manifests = Chart.render(values);

      assertThat(manifests.containers().flatMap(c -> c.getEnv().stream()).toList())
          .isNotEmpty()
          .allSatisfy(env -> {
            if (env.getName().matches(".*(SECRET|TOKEN|PASSWORD|KEY).*")) {
              assertThat(env.getValue()).as(env.getName()).isNull();
              assertThat(env.getValueFrom().getSecretKeyRef()).as(env.getName()).isNotNull();
            }
            if (env.getValue() != null) {
              assertThat(env.getValue()).doesNotContain(Values.SIGNING_SECRET, Values.BOT_TOKEN, "xoxb-");
            }
          });
    }
  }

  @Test
  void itIsConfiguredAsTheReadmeDescribes() {
    Manifests defaults = Chart.render(Values.DEFAULTS);
    Map<String, String> env = env(defaults, ENDPOINT);
    assertThat(env).containsEntry("FLAGSTAFF_ENVIRONMENT", "staging")
        .containsEntry("FLAGSTAFF_PORT", "8080")
        .containsEntry("FLAGSTAFF_MANAGEMENT_PORT", "9090")
        .containsEntry("FLAGSTAFF_CONFIGMAP", "feature-flags")
        .containsEntry("FLAGSTAFF_APP_HOME_FLAG", "slack_events_app_home_opened")
        .containsEntry("FLAGSTAFF_ACTOR", "user")
        .containsEntry("FLAGSTAFF_HOME_SHOW_FLAGS", "false")
        .doesNotContainKey("SLACK_API_URL");
    assertThat(envVars(defaults, ENDPOINT).get("FLAGSTAFF_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    Deployment deployment = defaults.get(Deployment.class, ENDPOINT);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("flagstaff/slack-endpoint:0.1.0");

    Manifests custom = Chart.render(Values.NON_DEFAULT);
    assertThat(env(custom, Values.NON_DEFAULT_ENDPOINT))
        .containsEntry("FLAGSTAFF_ENVIRONMENT", "production")
        .containsEntry("FLAGSTAFF_APP_HOME_FLAG", "app_home_v2")
        .containsEntry("FLAGSTAFF_ACTOR", "team")
        .containsEntry("FLAGSTAFF_HOME_SHOW_FLAGS", "true")
        .containsEntry("FLAGSTAFF_WORKER_THREADS", "8")
        .containsEntry("SLACK_API_URL", "https://slack-stub.example/api/");
    assertThat(custom.get(Deployment.class, Values.NON_DEFAULT_ENDPOINT).getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void byDefaultTheFallbackViewIsOnAndNoTemplateIsMounted() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    assertThat(env(manifests, ENDPOINT)).containsEntry("FLAGSTAFF_HOME_FALLBACK", "true")
        .doesNotContainKeys("FLAGSTAFF_HOME_TEMPLATE", "FLAGSTAFF_HOME_FALLBACK_TEMPLATE");
    assertThat(manifests.ofType(ConfigMap.class)).isEmpty();
    assertThat(pod(manifests, ENDPOINT).getVolumes()).extracting(Volume::getName).containsExactly("tmp");
  }

  @Test
  void theHomeTemplatesAreFilesTheEndpointReadsFromAConfigMapAndAChangeRollsThePods() {
    Manifests manifests = Chart.render(Values.NON_DEFAULT);
    String name = Values.NON_DEFAULT_ENDPOINT;

    Map<String, String> env = env(manifests, name);
    ConfigMap templates = manifests.get(ConfigMap.class, name + "-home");
    assertThat(templates.getData()).containsOnly(
        Map.entry("home.json", Values.HOME_TEMPLATE), Map.entry("fallback.json", Values.FALLBACK_TEMPLATE));
    Container container = pod(manifests, name).getContainers().get(0);
    VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getName().equals("home-templates"))
        .findFirst().orElseThrow();
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(env.get("FLAGSTAFF_HOME_TEMPLATE")).isEqualTo(mount.getMountPath() + "/home.json");
    assertThat(env.get("FLAGSTAFF_HOME_FALLBACK_TEMPLATE")).isEqualTo(mount.getMountPath() + "/fallback.json");
    assertThat(env).containsEntry("FLAGSTAFF_HOME_FALLBACK", "true");
    assertThat(pod(manifests, name).getVolumes()).filteredOn(v -> v.getName().equals("home-templates"))
        .singleElement().satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo(name + "-home"));

    String checksum = checksum(manifests, name);
    String edited = Values.NON_DEFAULT.replace("\"text\":\"Soon\"", "\"text\":\"Later\"");
    assertThat(edited).isNotEqualTo(Values.NON_DEFAULT);
    assertThat(checksum(Chart.render(edited), name)).isNotNull().isNotEqualTo(checksum);
  }

  @Test
  void theFallbackCanBeTurnedOffForSlacksPlaceholder() {
    Manifests manifests = Chart.render(Values.defaultsWith("endpoint: {homeFallback: false}"));

    assertThat(env(manifests, ENDPOINT)).containsEntry("FLAGSTAFF_HOME_FALLBACK", "false");
  }

  private static String checksum(Manifests manifests, String deployment) {
    return manifests.get(Deployment.class, deployment).getSpec().getTemplate().getMetadata().getAnnotations()
        .get("checksum/home-templates");
  }

  @Test
  void theEndpointCanBeLeftOut() {
    Manifests manifests = Chart.render(Values.defaultsWith("endpoint: {enabled: false}"));

    Set<String> components = manifests.all().stream()
        .map(HasMetadata::getMetadata)
        .map(m -> m.getLabels().get("app.kubernetes.io/component"))
        .collect(Collectors.toSet());
    assertThat(components).containsExactly("operator");
  }

  private static void assertSecretRef(EnvVar env, String secret, String key) {
    assertThat(env).isNotNull();
    assertThat(env.getValue()).as(env.getName() + " plain value").isNull();
    assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret);
    assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(key);
  }

  private static Integer containerPort(Manifests manifests, String deployment, ServicePort port) {
    Container container = pod(manifests, deployment).getContainers().get(0);
    String target = port.getTargetPort().getStrVal();
    return container.getPorts().stream()
        .filter(p -> target == null ? p.getContainerPort().equals(port.getTargetPort().getIntVal()) : target.equals(p.getName()))
        .map(p -> p.getContainerPort()).findFirst()
        .orElseThrow(() -> new AssertionError("target port " + port.getTargetPort() + " is no container port"));
  }

  static io.fabric8.kubernetes.api.model.PodSpec pod(Manifests manifests, String deployment) {
    return manifests.get(Deployment.class, deployment).getSpec().getTemplate().getSpec();
  }

  static Map<String, EnvVar> envVars(Manifests manifests, String deployment) {
    return pod(manifests, deployment).getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  static Map<String, String> env(Manifests manifests, String deployment) {
    return envVars(manifests, deployment).values().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
