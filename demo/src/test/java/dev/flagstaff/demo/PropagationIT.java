package dev.flagstaff.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagSpec;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.endpoint.SlackEndpoint;
import dev.flagstaff.operator.FlagstaffOperator;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.testkit.Edits;
import dev.flagstaff.testkit.KubernetesTestServer;
import dev.flagstaff.testkit.SlackApiStub;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator and two real Slack endpoints, in process, on the mock API server: each endpoint reports what it
 * applied on its Lease, and the flag's Propagated condition becomes True with 2/2 for each change; an endpoint that
 * stops cleanly stops counting at once.
 */
class PropagationIT {
  private static final String NAMESPACE = "propagation";
  private static final String NAME = "app-home";

  private KubernetesTestServer kubernetes;
  private SlackApiStub slack;
  private FlagstaffOperator operator;
  private SlackEndpoint first;
  private SlackEndpoint second;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    kubernetes = KubernetesTestServer.start(NAMESPACE);
    client = kubernetes.client();
    slack = SlackApiStub.start();
    operator = new FlagstaffOperator(new Config(Map.of(
        "FLAGSTAFF_ENVIRONMENT", "staging",
        "FLAGSTAFF_NAMESPACES", NAMESPACE,
        "FLAGSTAFF_MANAGEMENT_PORT", "0")), kubernetes.newClient());
    operator.start();
    first = endpoint("slack-endpoint-0");
    second = endpoint("slack-endpoint-1");
  }

  private SlackEndpoint endpoint(String pod) {
    Map<String, String> env = new HashMap<>();
    env.put("SLACK_SIGNING_SECRET", "propagation-it-secret");
    env.put("SLACK_API_URL", slack.baseUrl());
    env.put("FLAGSTAFF_NAMESPACE", NAMESPACE);
    env.put("FLAGSTAFF_BIND_ADDRESS", "127.0.0.1");
    env.put("FLAGSTAFF_PORT", "0");
    env.put("FLAGSTAFF_MANAGEMENT_PORT", "0");
    env.put("POD_NAME", pod);
    return new SlackEndpoint(new Config(env), kubernetes.newClient()).start();
  }

  @AfterEach
  void stop() {
    for (AutoCloseable part : new AutoCloseable[] {first, second, operator, slack}) {
      try {
        if (part != null) {
          part.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    kubernetes.close();
  }

  @Test
  void eachChangeBecomesPropagatedOnBothEndpoints() {
    client.resources(FeatureFlag.class).inNamespace(NAMESPACE).resource(flag()).create();

    await().atMost(Duration.ofSeconds(30)).until(() -> propagated(1));
    assertThat(status().getPropagation()).isEqualTo("2/2");
    assertThat(condition().getMessage()).isEqualTo("2/2 consumers applied generation 1");

    Edits.edit(client.resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(NAME),
        f -> { f.getSpec().getEnvironments().get("staging").setEnabled(false); return f; });

    await().atMost(Duration.ofSeconds(30)).until(() -> propagated(2));
    assertThat(status().getConsumers().getApplied()).isEqualTo(2);
    assertThat(status().getConsumers().getTotal()).isEqualTo(2);

    second.close();
    second = null;
    await().atMost(Duration.ofSeconds(30)).until(() -> "1/1".equals(status().getPropagation()));
    assertThat(condition().getStatus()).isEqualTo("True");
  }

  private boolean propagated(long generation) {
    FeatureFlagStatus status = status();
    if (status == null) {
      return false;
    }
    Optional<Condition> c = status.getConditions().stream().filter(x -> "Propagated".equals(x.getType())).findFirst();
    return c.isPresent() && "True".equals(c.get().getStatus())
        && Long.valueOf(generation).equals(c.get().getObservedGeneration());
  }

  private Condition condition() {
    return status().getConditions().stream().filter(x -> "Propagated".equals(x.getType())).findFirst().orElseThrow();
  }

  private FeatureFlagStatus status() {
    FeatureFlag flag = client.resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(NAME).get();
    return flag == null ? null : flag.getStatus();
  }

  private static FeatureFlag flag() {
    FeatureFlag flag = new FeatureFlag();
    flag.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(NAMESPACE).build());
    FeatureFlagSpec spec = new FeatureFlagSpec();
    spec.setKey("slack_events_app_home_opened");
    spec.setActorType("none");
    EnvironmentState staging = new EnvironmentState();
    staging.setEnabled(true);
    spec.setEnvironments(new LinkedHashMap<>(Map.of("staging", staging)));
    flag.setSpec(spec);
    return flag;
  }
}
