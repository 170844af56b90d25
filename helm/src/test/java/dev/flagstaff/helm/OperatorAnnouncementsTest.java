package dev.flagstaff.helm;

import static dev.flagstaff.helm.Values.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's announcements: off by default; when on, the bot token reaches it only through the Secret. */
class OperatorAnnouncementsTest {

  @Test
  void byDefaultTheOperatorGetsNoToken() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    assertThat(SlackEndpointTest.envVars(manifests, OPERATOR))
        .doesNotContainKeys("SLACK_BOT_TOKEN", "SLACK_API_URL");
  }

  @Test
  void whenOnTheTokenComesOnlyFromTheEndpointsSecretAndIsOptional() {
    Manifests manifests = Chart.render(Values.defaultsWith("""
        operator: {announcements: {enabled: true}}
        slack: {existingSecret: slack-app, botTokenKey: token}
        """));

    Map<String, EnvVar> env = SlackEndpointTest.envVars(manifests, OPERATOR);
    assertTokenFromSecret(env.get("SLACK_BOT_TOKEN"), "slack-app", "token");
    assertThat(env).doesNotContainKey("SLACK_API_URL");
    assertThat(env.values()).filteredOn(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .extracting(EnvVar::getName).containsExactly("SLACK_BOT_TOKEN"); // never the signing secret
  }

  @Test
  void withAChartCreatedSecretTheTokenIsReferencedNotCopiedAndChangesRollTheOperator() {
    Manifests manifests = Chart.render(Values.NON_DEFAULT);

    Map<String, EnvVar> env = SlackEndpointTest.envVars(manifests, Values.NON_DEFAULT_OPERATOR);
    assertTokenFromSecret(env.get("SLACK_BOT_TOKEN"), "fs-slack", "bot-token");
    assertThat(env.get("SLACK_API_URL").getValue()).isEqualTo("https://slack-stub.example/api/");
    assertThat(env.values()).extracting(EnvVar::getValue).allSatisfy(value ->
        assertThat(value == null ? "" : value).doesNotContain(Values.BOT_TOKEN, "xoxb-"));
    assertThat(manifests.get(Deployment.class, Values.NON_DEFAULT_OPERATOR)
        .getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/slack-secret");
  }

  @Test
  void theChartCreatedSecretStaysWhenOnlyTheOperatorNeedsIt() {
    Manifests manifests = Chart.render(Values.defaultsWith("""
        operator: {announcements: {enabled: true}}
        endpoint: {enabled: false}
        slack: {createSecret: true, signingSecret: s, botToken: xoxb-only-for-this-test}
        """));

    io.fabric8.kubernetes.api.model.Secret secret =
        manifests.get(io.fabric8.kubernetes.api.model.Secret.class, Chart.RELEASE + "-flagstaff-slack");
    assertThat(secret.getData()).containsKey("bot-token");
    assertTokenFromSecret(SlackEndpointTest.envVars(manifests, OPERATOR).get("SLACK_BOT_TOKEN"),
        Chart.RELEASE + "-flagstaff-slack", "bot-token");
  }

  private static void assertTokenFromSecret(EnvVar env, String secret, String key) {
    assertThat(env).as("SLACK_BOT_TOKEN").isNotNull();
    assertThat(env.getValue()).as("a plain value").isNull();
    SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
    assertThat(ref.getName()).isEqualTo(secret);
    assertThat(ref.getKey()).isEqualTo(key);
    assertThat(ref.getOptional()).isTrue();
  }
}
