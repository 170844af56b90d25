package dev.flagstaff.helm;

import static dev.flagstaff.helm.Chart.NAMESPACE;
import static dev.flagstaff.helm.SlackEndpointTest.env;
import static dev.flagstaff.helm.SlackEndpointTest.envVars;
import static dev.flagstaff.helm.SlackEndpointTest.pod;
import static dev.flagstaff.helm.Values.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Slack command (chatops): off by default with no permission on FeatureFlags at all; on, exactly what the
 * command needs in each namespace it changes, who may use it as the chart was told, and Git's credentials only
 * from a Secret.
 */
class ChatOpsTest {
  private static final String CHATOPS = ENDPOINT + "-chatops";
  private static final String POLICY = """
        policy:
          environments:
            staging: {users: [U0STAGING], userGroups: [S0FLAGOPS]}
            production: {users: [U0PRODUCER], channels: [C0PRODUCTION]}
      """;
  private static final String ON = Values.defaultsWith("""
      chatops:
        enabled: true
        namespaces: [team-a, team-b]
      """ + POLICY);
  private static final String ON_GIT = Values.defaultsWith("""
      chatops:
        enabled: true
        target: git
        git: {url: "https://git.example/platform/flags.git", branch: release, path: flags/, existingSecret: flags-git}
      """ + POLICY);

  @Test
  void offByDefaultTheEndpointCannotTouchFeatureFlagsAndServesNoCommand() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    String serviceAccount = pod(manifests, ENDPOINT).getServiceAccountName();
    assertThat(manifests.ofType(RoleBinding.class))
        .filteredOn(b -> b.getSubjects().stream().anyMatch(s -> s.getName().equals(serviceAccount)))
        .extracting(b -> b.getRoleRef().getName()).containsExactly(ENDPOINT);
    assertThat(Rules.grants(manifests.get(Role.class, ENDPOINT).getRules())).noneMatch(g -> g.contains("featureflags"));
    assertThat(manifests.find(Role.class, CHATOPS)).isEmpty();
    assertThat(manifests.find(ConfigMap.class, CHATOPS)).isEmpty();
    assertThat(env(manifests, ENDPOINT)).doesNotContainKeys("FLAGSTAFF_CHATOPS_ENABLED", "FLAGSTAFF_CHATOPS_POLICY");
  }

  @Test
  void writingToTheClusterItMayReadApplyAndDeleteFlagsAndRecordEventsInEachNamespaceItChanges() {
    Manifests manifests = Chart.render(ON);

    List<Role> roles = manifests.ofType(Role.class).stream().filter(r -> r.getMetadata().getName().equals(CHATOPS))
        .toList();
    assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(roles).allSatisfy(role -> assertThat(Rules.grants(role.getRules()))
        .as("the calls observed on a real API server (%s)", Rules.RECORD).isEqualTo(Rules.CHATOPS));
    assertThat(manifests.ofType(RoleBinding.class)).filteredOn(b -> b.getMetadata().getName().equals(CHATOPS))
        .hasSize(2).allSatisfy(binding -> {
          assertThat(binding.getRoleRef().getName()).isEqualTo(CHATOPS);
          assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(pod(manifests, ENDPOINT).getServiceAccountName());
            assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
          });
        });
    assertThat(env(manifests, ENDPOINT))
        .containsEntry("FLAGSTAFF_CHATOPS_ENABLED", "true")
        .containsEntry("FLAGSTAFF_CHATOPS_COMMAND", "/flagstaff")
        .containsEntry("FLAGSTAFF_CHATOPS_TARGET", "kubernetes")
        .containsEntry("FLAGSTAFF_CHATOPS_NAMESPACES", "team-a,team-b")
        .doesNotContainKeys("FLAGSTAFF_CHATOPS_GIT_URL", "FLAGSTAFF_CHATOPS_GIT_PASSWORD");
  }

  @Test
  void withoutNamespacesItChangesTheReleaseNamespace() {
    Manifests manifests = Chart.render(Values.defaultsWith("chatops:\n  enabled: true\n" + POLICY));

    assertThat(manifests.get(Role.class, CHATOPS).getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(env(manifests, ENDPOINT)).containsEntry("FLAGSTAFF_CHATOPS_NAMESPACES", NAMESPACE);
  }

  @Test
  void thePolicyReachesTheEndpointAsWrittenAndAChangeOfItRollsThePods() throws Exception {
    Manifests manifests = Chart.render(ON);

    String path = env(manifests, ENDPOINT).get("FLAGSTAFF_CHATOPS_POLICY");
    PodSpec pod = pod(manifests, ENDPOINT);
    String mount = pod.getContainers().get(0).getVolumeMounts().stream()
        .filter(m -> path.startsWith(m.getMountPath() + "/")).findFirst().orElseThrow().getName();
    String configMap = pod.getVolumes().stream().filter(v -> v.getName().equals(mount)).findFirst().orElseThrow()
        .getConfigMap().getName();
    JsonNode policy = new ObjectMapper(new YAMLFactory())
        .readTree(manifests.get(ConfigMap.class, configMap).getData().get(path.substring(path.lastIndexOf('/') + 1)));
    assertThat(policy.at("/environments/production/channels/0").asText()).isEqualTo("C0PRODUCTION");
    assertThat(policy.at("/environments/staging/userGroups/0").asText()).isEqualTo("S0FLAGOPS");

    String changed = ON.replace("U0PRODUCER", "U0SOMEONEELSE");
    assertThat(checksum(Chart.render(changed))).isNotEqualTo(checksum(manifests));
  }

  @Test
  void writingToGitItOnlyReadsFlagsAndTakesTheCredentialsFromTheSecret() {
    Manifests manifests = Chart.render(ON_GIT);

    // the reads among the calls observed with the kubernetes target (the git target is not run as the chart's user)
    assertThat(Rules.grants(manifests.get(Role.class, CHATOPS).getRules())).isEqualTo(Rules.CHATOPS.stream()
        .filter(g -> g.startsWith("flagstaff.dev/featureflags:") && !g.endsWith(":patch") && !g.endsWith(":delete"))
        .collect(java.util.stream.Collectors.toSet()));
    assertThat(env(manifests, ENDPOINT))
        .containsEntry("FLAGSTAFF_CHATOPS_TARGET", "git")
        .containsEntry("FLAGSTAFF_CHATOPS_GIT_URL", "https://git.example/platform/flags.git")
        .containsEntry("FLAGSTAFF_CHATOPS_GIT_BRANCH", "release")
        .containsEntry("FLAGSTAFF_CHATOPS_GIT_PATH", "flags/");
    for (String name : List.of("FLAGSTAFF_CHATOPS_GIT_USERNAME", "FLAGSTAFF_CHATOPS_GIT_PASSWORD")) {
      EnvVar var = envVars(manifests, ENDPOINT).get(name);
      assertThat(var.getValue()).as(name).isNull();
      assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo("flags-git");
    }
  }

  @Test
  void turnedOnWithoutAPolicyItSaysNobodyWouldBeAllowed() {
    assertThat(Chart.renderFailure(Values.defaultsWith("chatops: {enabled: true}\n")))
        .contains("chatops.policy.environments");
  }

  @Test
  void gitWithoutARepositoryOrItsSecretIsRefused() {
    assertThat(Chart.renderFailure(ON_GIT.replace("url: \"https://git.example/platform/flags.git\", ", "")))
        .contains("chatops/git/url");
    assertThat(Chart.renderFailure(ON_GIT.replace(", existingSecret: flags-git", "")))
        .contains("chatops.git.existingSecret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"users: [alice]", "userGroups: [U0NOTAGROUP]", "channels: [\"#production\"]"})
  void slackIdsAreIdsNotNames(String entry) {
    String values = Values.defaultsWith("""
        chatops:
          enabled: true
          policy:
            environments:
              production: {%s}
        """.formatted(entry));

    assertThat(Chart.renderFailure(values)).contains("/chatops/policy/environments/production");
  }

  private static String checksum(Manifests manifests) {
    return manifests.get(Deployment.class, ENDPOINT).getSpec().getTemplate().getMetadata().getAnnotations()
        .get("checksum/chatops-policy");
  }
}
