package dev.flagstaff.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.endpoint.SlackEndpoint;
import dev.flagstaff.endpoint.home.HomeView;
import dev.flagstaff.operator.FlagstaffOperator;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Everything the demo runs, in one process on loopback: an embedded Kubernetes API (Fabric8's mock server in
 * CRUD mode, the FeatureFlag CRD installed), the operator for one environment, the Slack endpoint, and a stub
 * of the Slack Web API. The operator and the endpoint are the real ones, built from their composition roots.
 */
final class EmbeddedFlagstaff implements AutoCloseable {
  static final String NAMESPACE = "flagstaff-demo";
  static final String CONFIGMAP = "feature-flags";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong EVENT_IDS = new AtomicLong();

  private final DemoCluster kubernetes;
  private final SlackApiStub slack;
  private final FlagstaffOperator operator;
  private final SlackEndpoint endpoint;
  private final SlackRequests events;
  private final String signingSecret;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private EmbeddedFlagstaff(DemoCluster kubernetes, SlackApiStub slack, FlagstaffOperator operator,
      SlackEndpoint endpoint, String signingSecret) {
    this.kubernetes = kubernetes;
    this.signingSecret = signingSecret;
    this.slack = slack;
    this.operator = operator;
    this.endpoint = endpoint;
    this.events = SlackRequests.forPort(signingSecret, endpoint.port());
  }

  static EmbeddedFlagstaff start(String environment, PrintStream out) {
    return start(environment, false, out);
  }

  /** On a real API server on loopback when {@code realApi}, else on the embedded mock. */
  static EmbeddedFlagstaff start(String environment, boolean realApi, PrintStream out) {
    return start(environment, realApi, null, out);
  }

  /** With the slash command on (FLAGSTAFF_CHATOPS_*) when {@code chatopsPolicy} is a policy file. */
  static EmbeddedFlagstaff start(String environment, boolean realApi, java.nio.file.Path chatopsPolicy,
      PrintStream out) {
    return start(environment, realApi, chatopsPolicy, Map.of(), out);
  }

  /** As above, with {@code chatopsEnv} added to the endpoint's settings (e.g. FLAGSTAFF_CHATOPS_TARGET=git). */
  static EmbeddedFlagstaff start(String environment, boolean realApi, java.nio.file.Path chatopsPolicy,
      Map<String, String> chatopsEnv, PrintStream out) {
    DemoCluster kubernetes = realApi ? DemoCluster.real(NAMESPACE) : DemoCluster.mock(NAMESPACE);
    SlackApiStub slack = SlackApiStub.start();
    String signingSecret = UUID.randomUUID().toString();
    FlagstaffOperator operator = null;
    SlackEndpoint endpoint = null;
    try {
      operator = new FlagstaffOperator(new Config(Map.of(
          "FLAGSTAFF_ENVIRONMENT", environment,
          "FLAGSTAFF_NAMESPACES", NAMESPACE,
          "FLAGSTAFF_CONFIGMAP", CONFIGMAP,
          "FLAGSTAFF_MANAGEMENT_PORT", "0")), kubernetes.newClient());
      operator.start();
      Map<String, String> endpointEnv = new java.util.HashMap<>(Map.of(
          "SLACK_SIGNING_SECRET", signingSecret,
          "SLACK_BOT_TOKEN", "xoxb-demo-token",
          "SLACK_API_URL", slack.baseUrl(),
          "FLAGSTAFF_NAMESPACE", NAMESPACE,
          "FLAGSTAFF_CONFIGMAP", CONFIGMAP,
          "FLAGSTAFF_ENVIRONMENT", environment,
          "FLAGSTAFF_PORT", "0",
          "FLAGSTAFF_MANAGEMENT_PORT", "0",
          "FLAGSTAFF_QUEUE_CAPACITY", "10000"));
      if (chatopsPolicy != null) {
        endpointEnv.putAll(Map.of("FLAGSTAFF_CHATOPS_ENABLED", "true", "FLAGSTAFF_CHATOPS_POLICY", chatopsPolicy.toString()));
        endpointEnv.putAll(chatopsEnv);
      }
      endpoint = new SlackEndpoint(new Config(endpointEnv), kubernetes.newClient());
      endpoint.start();
      EmbeddedFlagstaff flagstaff = new EmbeddedFlagstaff(kubernetes, slack, operator, endpoint, signingSecret);
      int operatorManagement = operator.managementPort();
      int endpointManagement = endpoint.managementPort();
      flagstaff.await("the operator and the endpoint to be ready", Duration.ofSeconds(30),
          () -> flagstaff.isReady(operatorManagement) && flagstaff.isReady(endpointManagement));
      out.printf("Kubernetes API           %s%n", kubernetes.describe());
      out.printf("Operator                 environment=%s namespace=%s  http://127.0.0.1:%d/metrics%n",
          environment, NAMESPACE, operator.managementPort());
      out.printf("Slack endpoint           POST http://127.0.0.1:%d%s%n", endpoint.port(), SlackRequests.EVENTS_PATH);
      out.printf("                         http://127.0.0.1:%d/flags  (QA: /flags/{key}?actor=ID)%n",
          endpoint.managementPort());
      out.printf("Slack Web API stub       %s%n", slack.baseUrl());
      return flagstaff;
    } catch (RuntimeException e) {
      if (endpoint != null) endpoint.close();
      if (operator != null) operator.close();
      slack.close();
      kubernetes.close();
      throw e;
    }
  }

  KubernetesClient client() {
    return kubernetes.client();
  }

  /** The kubeconfig kubectl uses for this cluster (its context's namespace is the demo's); empty on the mock. */
  java.util.Optional<java.nio.file.Path> kubeconfig() {
    return kubernetes.kubeconfig();
  }

  /** Where the kubectl built beside the API server is, for a user who has none on the PATH. */
  String kubectlHint() {
    return kubernetes.kubectl().map(k -> k + " (or any kubectl on your PATH)").orElse("any kubectl on your PATH");
  }

  /** The slash command's Slack, for signing: the secret and the stub that records response_url posts. */
  String signingSecret() {
    return signingSecret;
  }

  SlackApiStub slack() {
    return slack;
  }

  int endpointPort() {
    return endpoint.port();
  }

  int endpointManagementPort() {
    return endpoint.managementPort();
  }

  int operatorManagementPort() {
    return operator.managementPort();
  }

  String slackStubUrl() {
    return slack.baseUrl();
  }

  String namespace() {
    return NAMESPACE;
  }

  /** The value of {@code key} in the flags ConfigMap, or {@code null} when absent. */
  String configMapEntry(String key) {
    ConfigMap configMap = client().configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP).get();
    return configMap == null || configMap.getData() == null ? null : configMap.getData().get(key);
  }

  void delete(String name) {
    client().resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(name).delete();
  }

  void awaitGone(String name, Duration timeout) {
    await(name + " to be deleted (its finalizer removes the ConfigMap key)", timeout,
        () -> client().resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(name).get() == null);
  }

  /** Waits until the operator's status describes the current generation. */
  FeatureFlag awaitReconciled(String name, Duration timeout) {
    FeatureFlag[] seen = new FeatureFlag[1];
    await("the operator to reconcile " + name, timeout, () -> {
      FeatureFlag flag = client().resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(name).get();
      seen[0] = flag;
      return flag != null && flag.getStatus() != null
          && flag.getMetadata().getGeneration().equals(flag.getStatus().getObservedGeneration());
    });
    return seen[0];
  }

  /**
   * Polls the endpoint's QA route {@code /flags/{key}} until its decision is {@code on}; returns the time since
   * {@code sinceNanos}, or {@code null} when it did not flip within {@code timeout}.
   */
  Duration awaitDecision(String key, boolean on, long sinceNanos, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (decision(key) == on) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
      }
      pause(5);
    }
    return null;
  }

  /** The endpoint's decision for {@code key}, as QA would ask: GET /flags/{key}. */
  boolean decision(String key) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + endpoint.managementPort() + "/flags/" + key)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      return body.path("enabled").asBoolean(false);
    } catch (IOException e) {
      throw new IllegalStateException("the endpoint's /flags/" + key + " did not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Each of {@code users} opens the App Home once (a signed {@code app_home_opened} each, distinct event ids), and
   * this waits until the endpoint's worker has finished every one: decided, and any {@code views.publish} it made
   * answered by the Slack stub, so {@link #homeTab} shows the result.
   */
  void openHome(List<String> users) {
    double before = finished();
    for (String user : users) {
      long n = EVENT_IDS.incrementAndGet();
      HttpResponse<String> response = events.send(SlackRequests.appHomeOpened("EvDEMO" + n, "TDEMO", user, "home", null));
      if (response.statusCode() != 200) {
        throw new IllegalStateException("the endpoint answered " + response.statusCode() + ": " + response.body());
      }
    }
    await("the endpoint to handle " + users.size() + " app_home_opened events", Duration.ofSeconds(60),
        () -> finished() - before >= users.size());
  }

  /** What {@code user}'s Home tab shows at the Slack stub (the last view published to them), or {@code null}. */
  SlackApiStub.HomeTab homeTab(String user) {
    return slack.homeTab(user);
  }

  /** Whether {@code user}'s Home tab shows the feature view (the endpoint's default Home view). */
  boolean showsFeature(String user) {
    SlackApiStub.HomeTab tab = slack.homeTab(user);
    return tab != null && tab.shows(HomeView.FEATURE_HEADLINE);
  }

  /** Whether {@code user}'s Home tab shows the fallback view. */
  boolean showsFallback(String user) {
    SlackApiStub.HomeTab tab = slack.homeTab(user);
    return tab != null && tab.text().equals(HomeView.FALLBACK_TEXT);
  }

  /**
   * app_home_opened events the worker has finished: decided without a publish, or published with a final result
   * (a retried attempt is not final).
   */
  private double finished() {
    double unpublished = endpoint.registry().find("flagstaff.app.home").counters().stream()
        .filter(c -> !"publish".equals(c.getId().getTag("outcome")) && !"fallback".equals(c.getId().getTag("outcome")))
        .mapToDouble(Counter::count).sum();
    double published = endpoint.registry().find("flagstaff.slack.views.publish").counters().stream()
        .filter(c -> !"retried".equals(c.getId().getTag("result")))
        .mapToDouble(Counter::count).sum();
    return unpublished + published;
  }

  private boolean isReady(int managementPort) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/readyz")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + "s waiting for " + what);
      }
      pause(10);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    endpoint.close();
    operator.close();
    slack.close();
    kubernetes.close();
  }
}
