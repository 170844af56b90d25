package dev.flagstaff.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.endpoint.home.HomeView;
import dev.flagstaff.testkit.KubernetesTestServer;
import dev.flagstaff.testkit.JarProcess;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The operator jar and the endpoint jar as separate JVMs against a mock API server started here, with a stub
 * of the Slack Web API, signed events over HTTP, asserting on what U1's Home tab shows: enable → the feature view;
 * roll back → the fallback view (the time from the API write until U1's tab shows it is printed); enable again →
 * the feature view; delete → the key is gone and the tab shows the fallback.
 */
class EndToEndIT {
  private static final String NAMESPACE = "e2e";
  private static final String KEY = "slack_events_app_home_opened";
  private static final String NAME = "slack-events-app-home-opened";
  private static final Path SEED = Path.of(System.getProperty("flagstaff.examples", "../examples"), "seed-rollout");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String signingSecret = UUID.randomUUID().toString();
  private final String botToken = "xoxb-e2e-" + UUID.randomUUID();
  private KubernetesTestServer kubernetes;
  private SlackApiStub slack;
  private JarProcess operator;
  private JarProcess endpoint;
  private int operatorManagement;
  private int endpointPort;
  private int endpointManagement;
  private KubernetesClient client;
  private SlackRequests events;
  private int eventNumber;

  @BeforeEach
  void startEverything(TestInfo test) {
    kubernetes = KubernetesTestServer.start(NAMESPACE);
    client = kubernetes.client();
    slack = SlackApiStub.start();
    Path logs = Path.of("target", "e2e", test.getTestMethod().orElseThrow().getName());
    Map<String, String> kube = Map.of(
        "KUBERNETES_MASTER", kubernetes.url(),
        "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
        "KUBERNETES_NAMESPACE", NAMESPACE,
        "KUBECONFIG", "/nonexistent");
    operatorManagement = JarProcess.freePort();
    operator = JarProcess.start("operator", Path.of(System.getProperty("flagstaff.operator.jar")), merge(kube, Map.of(
        "FLAGSTAFF_ENVIRONMENT", "production",
        "FLAGSTAFF_NAMESPACES", NAMESPACE,
        "FLAGSTAFF_MANAGEMENT_PORT", Integer.toString(operatorManagement))), logs);
    endpointPort = JarProcess.freePort();
    endpointManagement = JarProcess.freePort();
    endpoint = JarProcess.start("endpoint", Path.of(System.getProperty("flagstaff.endpoint.jar")), merge(kube, Map.of(
        "SLACK_SIGNING_SECRET", signingSecret,
        "SLACK_BOT_TOKEN", botToken,
        "SLACK_API_URL", slack.baseUrl(),
        "FLAGSTAFF_NAMESPACE", NAMESPACE,
        "FLAGSTAFF_ENVIRONMENT", "production",
        "FLAGSTAFF_PORT", Integer.toString(endpointPort),
        "FLAGSTAFF_MANAGEMENT_PORT", Integer.toString(endpointManagement))), logs);
    events = SlackRequests.forPort(signingSecret, endpointPort);
    await("both processes ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      assertThat(operator.isAlive()).as("operator alive; its output:%n%s", operator.output()).isTrue();
      assertThat(endpoint.isAlive()).as("endpoint alive; its output:%n%s", endpoint.output()).isTrue();
      return JarProcess.answers200(operatorManagement, "/readyz") && JarProcess.answers200(endpointManagement, "/readyz");
    });
  }

  @AfterEach
  void stopEverything() {
    for (JarProcess process : new JarProcess[] {endpoint, operator}) {
      if (process != null) {
        process.close();
        String output = process.output();
        assertThat(output).as("%s output never carries the bot token or the signing secret", process.name())
            .doesNotContain(botToken).doesNotContain(signingSecret);
      }
    }
    if (slack != null) slack.close();
    if (kubernetes != null) kubernetes.close();
  }

  @Test
  void enableThenRollBackThenEnableThenDeleteAcrossRealProcesses() throws Exception {
    // Enable: U1 opens the Home tab and it shows the feature view.
    apply("05-enable-globally.yaml");
    awaitEntry("{\"enabled\":true,");
    awaitDecision(true);
    openHome("U1");
    assertThat(slack.homeTab("U1").text()).contains(HomeView.FEATURE_HEADLINE);
    SlackApiStub.Call publish = slack.calls("views.publish").get(0);
    assertThat(publish.field("user_id")).isEqualTo("U1");
    assertThat(publish.authorization()).isEqualTo("Bearer " + botToken);
    assertThat(JSON.readTree(publish.field("view")).path("type").asText()).isEqualTo("home");

    // Roll back: U1 opens the Home tab again, and it shows the fallback view (the feature is gone from it).
    long written = apply("06-rollback.yaml");
    long shown = 0;
    for (int visits = 0; visits < 500 && shown == 0; visits++) {
      openHome("U1");
      if (slack.homeTab("U1").text().equals(HomeView.FALLBACK_TEXT)) {
        shown = System.nanoTime();
      }
    }
    assertThat(shown).as("U1's Home tab shows the fallback after the rollback").isNotZero();
    System.out.printf("[e2e] rollback: API write → U1's Home tab shows the fallback in %.1f ms (operator and "
        + "endpoint as separate JVMs, mock API server, loopback; U1 opening the tab again and again)%n",
        (shown - written) / 1e6);
    assertThat(entry()).startsWith("{\"enabled\":false");
    assertThat(status().getStatus().getState()).isEqualTo("Disabled");

    // Enable again: the feature view is back on U1's tab.
    apply("05-enable-globally.yaml");
    awaitDecision(true);
    openHome("U1");
    assertThat(slack.homeTab("U1").text()).contains(HomeView.FEATURE_HEADLINE);

    // Delete: the finalizer removes the key; the endpoint treats the unknown flag as off.
    client.resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(NAME).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> entry() == null
        && client.resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(NAME).get() == null);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(qa().path("reason").asText()).isEqualTo("unknown_flag"));
    assertThat(qa().path("enabled").asBoolean(true)).isFalse();
    openHome("U1");
    assertThat(slack.homeTab("U1").text()).isEqualTo(HomeView.FALLBACK_TEXT);
  }

  @Test
  void rollbackLatencyOverRepeatedFlips() throws Exception {
    apply("05-enable-globally.yaml");
    awaitEntry("{\"enabled\":true,");
    awaitDecision(true);
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      boolean on = i % 2 == 1;
      long written = apply(on ? "05-enable-globally.yaml" : "06-rollback.yaml");
      millis.add((awaitDecision(on) - written) / 1e6);
    }
    Collections.sort(millis);
    System.out.printf("[e2e] 10 flips, API write → endpoint decision: median %.1f ms, max %.1f ms%n",
        millis.get(millis.size() / 2), millis.get(millis.size() - 1));
    // after ten flips the last one (on) is what everyone sees: the ConfigMap, the status of the latest generation
    assertThat(entry()).startsWith("{\"enabled\":true");
    await().atMost(Duration.ofSeconds(5)).until(() -> status().getStatus() != null
        && status().getMetadata().getGeneration().equals(status().getStatus().getObservedGeneration()));
    assertThat(status().getStatus().getState()).isEqualTo("Enabled");
  }

  /** kubectl apply of an example file; returns System.nanoTime() once the API server confirmed the write. */
  private long apply(String file) throws Exception {
    Manifests.apply(client, NAMESPACE, SEED.resolve(file));
    return System.nanoTime();
  }

  private FeatureFlag status() {
    return client.resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(NAME).get();
  }

  private String entry() {
    ConfigMap configMap = client.configMaps().inNamespace(NAMESPACE).withName("feature-flags").get();
    return configMap == null || configMap.getData() == null ? null : configMap.getData().get(KEY);
  }

  private void awaitEntry(String prefix) {
    await().atMost(Duration.ofSeconds(10)).until(() -> entry() != null && entry().startsWith(prefix));
  }

  private JsonNode qa() throws Exception {
    return JSON.readTree(JarProcess.get(endpointManagement, "/flags/" + KEY).body());
  }

  /** Polls the endpoint's /flags/{key} until the decision is {@code on}; returns System.nanoTime() then. */
  private long awaitDecision(boolean on) {
    long[] at = new long[1];
    await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).until(() -> {
      at[0] = System.nanoTime();
      return qa().path("enabled").asBoolean(!on) == on;
    });
    return at[0];
  }

  /** {@code user} opens the Home tab; returns once the endpoint's views.publish for it has been answered. */
  private void openHome(String user) throws Exception {
    int published = finishedPublishes();
    var response = events.send(SlackRequests.appHomeOpened("EvE2E" + (++eventNumber), "TE2E", user, "home", null));
    assertThat(response.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
        .until(() -> finishedPublishes() > published);
  }

  /** views.publish calls with a final result (not "retried"), read from the endpoint's Prometheus /metrics. */
  private int finishedPublishes() throws Exception {
    String metrics = JarProcess.get(endpointManagement, "/metrics").body();
    Matcher m = Pattern.compile("(?m)^flagstaff_slack_views_publish_total\\{([^}]*)} ([0-9.E+-]+)$").matcher(metrics);
    double sum = 0;
    while (m.find()) {
      if (!m.group(1).contains("result=\"retried\"")) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return (int) sum;
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> merged = new java.util.HashMap<>(a);
    merged.putAll(b);
    return merged;
  }
}
