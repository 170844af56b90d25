package dev.flagstaff.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.AnalysisQuery;
import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagSpec;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.api.v1alpha1.RolloutStep;
import dev.flagstaff.endpoint.SlackEndpoint;
import dev.flagstaff.endpoint.home.HomeView;
import dev.flagstaff.flags.Strategy;
import dev.flagstaff.operator.FlagstaffOperator;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.testkit.Edits;
import dev.flagstaff.testkit.KubernetesTestServer;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metric-gated rollout against a real Prometheus (Debian's {@code prometheus} package) scraping the real Slack
 * endpoint's /metrics every second: failing {@code views.publish} calls at the Slack stub roll the flag back, a
 * retry annotation tries again, and a stopped Prometheus pauses the rollout instead of guessing. Real time, but
 * one-second analysis intervals: the whole test takes seconds.
 */
class PrometheusRolloutIT {
  private static final String NAMESPACE = "flags";
  private static final String KEY = "slack_events_app_home_opened";
  private static final String NAME = "app-home";
  private static final AtomicLong EVENT_IDS = new AtomicLong();
  /** The share of views.publish calls that failed, since the endpoint started. */
  private static final String ERROR_RATIO = "sum(flagstaff_slack_views_publish_total{result!=\"ok\"}) "
      + "/ sum(flagstaff_slack_views_publish_total)";

  @TempDir
  Path tmp;

  private KubernetesTestServer kubernetes;
  private KubernetesClient client;
  private SlackApiStub slack;
  private FlagstaffOperator operator;
  private SlackEndpoint endpoint;
  private SlackRequests events;
  private Process prometheus;
  private int prometheusPort;

  @BeforeEach
  void start() throws IOException {
    kubernetes = KubernetesTestServer.start(NAMESPACE);
    client = kubernetes.client();
    slack = SlackApiStub.start();
    String signingSecret = UUID.randomUUID().toString();
    operator = new FlagstaffOperator(new Config(Map.of(
        "FLAGSTAFF_ENVIRONMENT", "production",
        "FLAGSTAFF_NAMESPACES", NAMESPACE,
        "FLAGSTAFF_MANAGEMENT_PORT", "0")), kubernetes.newClient());
    operator.start();
    endpoint = new SlackEndpoint(new Config(Map.of(
        "SLACK_SIGNING_SECRET", signingSecret,
        "SLACK_BOT_TOKEN", "xoxb-prometheus-test",
        "SLACK_API_URL", slack.baseUrl(),
        "FLAGSTAFF_NAMESPACE", NAMESPACE,
        "FLAGSTAFF_ENVIRONMENT", "production",
        "FLAGSTAFF_PORT", "0",
        "FLAGSTAFF_MANAGEMENT_PORT", "0")), kubernetes.newClient());
    endpoint.start();
    events = SlackRequests.forPort(signingSecret, endpoint.port());
    startPrometheus(endpoint.managementPort());
  }

  @AfterEach
  void stop() throws InterruptedException {
    stopPrometheus();
    if (endpoint != null) endpoint.close();
    if (operator != null) operator.close();
    if (slack != null) slack.close();
    if (kubernetes != null) kubernetes.close();
  }

  @Test
  void failingPublishesRollTheFlagBackAndAStoppedPrometheusPausesTheRollout() throws InterruptedException {
    client.resources(FeatureFlag.class).inNamespace(NAMESPACE).resource(flag(0.05)).create();
    await().until(() -> entry() != null && entry().startsWith("{\"enabled\":true,\"percentage\":50,"));
    await().until(() -> rollout() != null && rollout().getLastAnalysisAt() != null);

    // healthy traffic: the checks pass on real data, run after run
    int showing = publish(20);
    assertThat(showing).as("about half of 20 users' Home tabs show the feature at 50%").isBetween(1, 19);
    String lastRun = rollout().getLastAnalysisAt();
    await().until(() -> !lastRun.equals(rollout().getLastAnalysisAt()));
    String nextRun = rollout().getLastAnalysisAt();
    await().until(() -> !nextRun.equals(rollout().getLastAnalysisAt()));
    assertThat(rollout().getPhase()).isEqualTo("Progressing");
    assertThat(rollout().getFailedChecks()).isEmpty();

    // Slack refuses every publish: the error ratio climbs past 0.05 and two failed runs roll the flag back
    SlackApiStub.Reply[] refusals = new SlackApiStub.Reply[200];
    java.util.Arrays.fill(refusals, SlackApiStub.error("invalid_auth"));
    slack.script("views.publish", refusals);
    publish(60);
    await().atMost(Duration.ofSeconds(20)).until(() -> "RolledBack".equals(rollout().getPhase()));
    assertThat(entry()).isEqualTo("{\"enabled\":false,\"generation\":1}");
    assertThat(rollout().getFailedChecks()).singleElement().asString().startsWith("publish-error-ratio: ")
        .contains(" > max 0.05");
    assertThat(rollout().getConsecutiveFailures()).isEqualTo(2);
    Condition condition = condition("Rollout").orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo("RolledBack");
    assertThat(condition.getMessage()).startsWith("rolled back after publish-error-ratio failed 2 times (")
        .endsWith("change the rollout in Git (or annotate flagstaff.dev/retry-rollout=<any new value>) to try again");
    await().until(() -> warnings("RolledBack").size() == 1);
    assertThat(condition("Ready").orElseThrow().getReason()).isEqualTo("RolledBack");

    // it stays off while nothing changes: look again, and again
    for (int i = 0; i < 2; i++) {
      double reconciles = reconciles();
      operator.wake();
      await().until(() -> reconciles() > reconciles);
      assertThat(entry()).isEqualTo("{\"enabled\":false,\"generation\":1}");
      assertThat(rollout().getPhase()).isEqualTo("RolledBack");
    }

    // the retry annotation starts it again from its first step; the errors are still there, so back it goes
    Edits.edit(flagResource(), f -> {
      f.getMetadata().getAnnotations().put("flagstaff.dev/retry-rollout", "1");
      return f;
    });
    await().until(() -> "1".equals(rollout().getRetry()));
    await().until(() -> warnings("RolledBack").size() == 2);
    assertThat(eventLines("StateChanged")).contains("Normal StateChanged production: 50% of time → Disabled",
        "Normal StateChanged production: Disabled → 50% of time");

    // a new plan in Git tolerates the errors seen so far: the rollout progresses again
    Edits.edit(flagResource(), f -> {
      f.getSpec().getEnvironments().get("production").getRollout().getAnalysis().getQueries().get(0).setMax(0.99);
      return f;
    });
    await().until(() -> "{\"enabled\":true,\"percentage\":50,\"strategy\":\"random\",\"generation\":2}"
        .equals(entry()));
    String runBefore = rollout().getLastAnalysisAt();
    await().until(() -> !runBefore.equals(rollout().getLastAnalysisAt()));
    assertThat(rollout().getPhase()).isEqualTo("Progressing");

    // Prometheus goes away: the rollout holds its percentage, neither advancing nor rolling back
    stopPrometheus();
    await().atMost(Duration.ofSeconds(10)).until(() -> "Paused".equals(rollout().getPhase()));
    assertThat(rollout().getReason()).isEqualTo("AnalysisUnavailable");
    assertThat(entry()).isEqualTo("{\"enabled\":true,\"percentage\":50,\"strategy\":\"random\",\"generation\":2}");
    Condition paused = condition("Rollout").orElseThrow();
    assertThat(paused.getStatus()).isEqualTo("False");
    assertThat(paused.getReason()).isEqualTo("AnalysisUnavailable");
    assertThat(paused.getMessage()).contains("cannot reach Prometheus").contains("retrying every 1s");
    await().until(() -> warnings("AnalysisUnavailable").size() == 1);
  }

  // --- the flag -----------------------------------------------------------------------------------------------

  private FeatureFlag flag(double maxErrorRatio) {
    Rollout rollout = new Rollout();
    rollout.setStrategy(Strategy.RANDOM);
    rollout.setSteps(List.of(new RolloutStep(50, "1h"), new RolloutStep(100, "1h")));
    Analysis analysis = new Analysis();
    analysis.setPrometheus("http://127.0.0.1:" + prometheusPort);
    analysis.setInterval("1s");
    analysis.setFailureLimit(2);
    AnalysisQuery errorRatio = new AnalysisQuery("publish-error-ratio", ERROR_RATIO, maxErrorRatio, null);
    errorRatio.setOnNoData("pass"); // no publishes yet is no failure, as in the example
    analysis.setQueries(new ArrayList<>(List.of(errorRatio)));
    rollout.setAnalysis(analysis);
    EnvironmentState production = new EnvironmentState();
    production.setEnabled(true);
    production.setRollout(rollout);
    FeatureFlagSpec spec = new FeatureFlagSpec();
    spec.setKey(KEY);
    spec.setActorType("none");
    spec.setEnvironments(new LinkedHashMap<>(Map.of("production", production)));
    FeatureFlag flag = new FeatureFlag();
    flag.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(NAMESPACE)
        .addToAnnotations("flagstaff.dev/retry-rollout", "0").build());
    flag.setSpec(spec);
    return flag;
  }

  private Resource<FeatureFlag> flagResource() {
    return client.resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(NAME);
  }

  private RolloutStatus rollout() {
    FeatureFlag flag = flagResource().get();
    return flag == null || flag.getStatus() == null ? null : flag.getStatus().getRollout();
  }

  private Optional<Condition> condition(String type) {
    return flagResource().get().getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private String entry() {
    ConfigMap configMap = client.configMaps().inNamespace(NAMESPACE).withName("feature-flags").get();
    return configMap == null || configMap.getData() == null ? null : configMap.getData().get(KEY);
  }

  private List<String> eventLines(String reason) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> NAME.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .map(e -> e.getType() + " " + e.getReason() + " " + e.getMessage())
        .collect(Collectors.toList());
  }

  private List<String> warnings(String reason) {
    return eventLines(reason).stream().filter(l -> l.startsWith("Warning ")).collect(Collectors.toList());
  }

  /**
   * {@code count} users open the Home tab (a signed app_home_opened each); returns how many of their Home tabs show
   * the feature view once every views.publish has been answered.
   */
  private int publish(int count) {
    double before = finishedPublishes();
    List<String> users = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long n = EVENT_IDS.incrementAndGet();
      users.add("UPROM" + n);
      HttpResponse<String> response = events.send(SlackRequests.appHomeOpened("EvPROM" + n, "TPROM", "UPROM" + n,
          "home", null));
      assertThat(response.statusCode()).isEqualTo(200);
    }
    // every event is published (the feature view or the fallback): wait for each publish's final result
    await().until(() -> finishedPublishes() - before >= count);
    return (int) users.stream().map(slack::homeTab)
        .filter(tab -> tab != null && tab.shows(HomeView.FEATURE_HEADLINE)).count();
  }

  /** views.publish calls with a final result (a retried attempt is not final). */
  private double finishedPublishes() {
    return endpoint.registry().find("flagstaff.slack.views.publish").counters().stream()
        .filter(c -> !"retried".equals(c.getId().getTag("result")))
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  private double reconciles() {
    return operator.registry().find("flagstaff.reconciles").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  // --- Prometheus ---------------------------------------------------------------------------------------------

  private void startPrometheus(int scrapedPort) throws IOException {
    String binary = prometheusBinary();
    prometheusPort = freePort();
    Path config = tmp.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: flagstaff-slack-endpoint",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + scrapedPort + "']",
        ""));
    prometheus = new ProcessBuilder(binary, "--config.file=" + config, "--storage.tsdb.path=" + tmp.resolve("data"),
        "--web.listen-address=127.0.0.1:" + prometheusPort)
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("prometheus.log").toFile())
        .start();
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      if (!prometheus.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + Files.readString(tmp.resolve("prometheus.log")));
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + "/-/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    });
  }

  private void stopPrometheus() throws InterruptedException {
    if (prometheus != null && prometheus.isAlive()) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Fails, naming the package, when the prometheus binary is missing: CI installs it; nothing is skipped. */
  private static String prometheusBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      File candidate = new File(dir, "prometheus");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    File debian = new File("/usr/bin/prometheus");
    if (debian.canExecute()) {
      return debian.getPath();
    }
    throw new AssertionError("the prometheus binary is not installed: apt-get install -y prometheus "
        + "(Debian's prometheus package; .ci/run installs it)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
