package dev.flagstaff.chatops.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.operator.FlagstaffOperator;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl flagstaff} against a real API server with the production operator running in-process: the seed's
 * lines verbatim walk the rollout, the consistency check refuses, and a concurrent kubectl change survives.
 */
@RealKubernetes
class KubectlFlagstaffOnRealServerIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NAME = "slack-events-app-home-opened";
  private static final String KEY = "slack_events_app_home_opened";

  private RealApiServer server;
  private FlagstaffOperator operator;
  private String namespace;
  private Path kubeconfig;
  private Cli kubectl;
  private String out;
  private String err;

  @BeforeEach
  void start(RealApiServer server) {
    this.server = server;
    namespace = server.freshNamespace("chatops");
    kubeconfig = server.kubeconfig(namespace);
    kubectl = Cli.kubectl(server.binaries(), kubeconfig);
    operator = new FlagstaffOperator(new Config(Map.of(
        "FLAGSTAFF_ENVIRONMENT", "production",
        "FLAGSTAFF_NAMESPACES", namespace,
        "FLAGSTAFF_MANAGEMENT_PORT", "0")), server.newClient());
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  private int plugin(String line, String... more) {
    return plugin(null, line, more);
  }

  private int plugin(Runnable beforeWrite, String line, String... more) {
    List<String> args = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString()));
    args.addAll(Arrays.asList(more));
    args.addAll(Arrays.asList(line.split(" ")));
    KubectlFlagstaff plugin = new KubectlFlagstaff(KubeClients::connect);
    if (beforeWrite != null) {
      plugin.beforeWrite = beforeWrite;
    }
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = KubectlFlagstaff.run(plugin, args.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
    out = o.toString();
    err = e.toString();
    return code;
  }

  private String production() {
    ConfigMap map = server.client().configMaps().inNamespace(namespace).withName("feature-flags").get();
    return map == null || map.getData() == null ? null : map.getData().get(KEY);
  }

  private FeatureFlag flag() {
    return server.client().resources(FeatureFlag.class).inNamespace(namespace).withName(NAME).get();
  }

  /** The spec as the API server stores it (numbers as written, not as the Java types hold them). */
  private JsonNode spec() {
    return Serialization.jsonMapper().valueToTree(server.client()
        .genericKubernetesResources(FeatureFlag.GROUP + "/" + FeatureFlag.VERSION, "FeatureFlag")
        .inNamespace(namespace).withName(NAME).get()).get("spec");
  }

  /** A seed file's spec as the API server stores it: with the CRD's defaults. */
  private static JsonNode seedSpec(String file) {
    return CrdAdmission.featureFlags().withDefaults(SeedLines.read(file)).get("spec");
  }

  private void kubectlApply(String file) {
    kubectl.run("apply", "-f", SeedLines.SEED.resolve(file).toString()).orThrow();
  }

  @Test
  void theSeedsLinesVerbatimWalkTheRolloutAndTheOperatorReportsEachStep() {
    kubectlApply("01-define.yaml");
    await().atMost(WAIT).until(() -> "{\"enabled\":false,\"generation\":1}".equals(production()));
    List<String> values = List.of("{\"enabled\":false,\"generation\":2}",
        "{\"enabled\":true,\"percentage\":10,\"strategy\":\"random\",\"generation\":3}",
        "{\"enabled\":true,\"percentage\":50,\"strategy\":\"random\",\"generation\":4}",
        "{\"enabled\":true,\"generation\":5}", "{\"enabled\":false,\"generation\":6}");
    for (int i = 0; i < values.size(); i++) {
      SeedLines.Step step = SeedLines.STEPS.get(i);
      assertThat(plugin(step.line())).as(step.line() + "\n" + err).isZero();
      assertThat(out).startsWith("featureflag.flagstaff.dev/" + NAME + " configured\n");
      String expected = values.get(i);
      await().atMost(WAIT).until(() -> expected.equals(production()));
      assertThat(spec()).as(step.line()).isEqualTo(seedSpec(step.file()));
    }
    assertThat(flag().getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
        .contains("kubectl-flagstaff");

    await().atMost(WAIT).until(() -> plugin("get " + KEY) == 0 && out.matches("(?s).*\nproduction\\s+Disabled\\s+True.*"));
    assertThat(out).containsPattern("\nproduction\\s+Disabled\\s+staging\n").containsPattern("\ndev\\s+Enabled\\s+-\n");

    assertThat(plugin(SeedLines.STEPS.get(5).line())).isZero();
    assertThat(out).startsWith("featureflag.flagstaff.dev/" + NAME + " deleted\n");
    await().atMost(WAIT).until(() -> flag() == null && production() == null);
  }

  @Test
  void productionBeforeStagingIsRefusedAndNothingIsWritten() {
    kubectlApply("01-define.yaml");

    assertThat(plugin("/chatops run feature set " + KEY + " true")).isEqualTo(1);

    assertThat(err).startsWith("production requires staging, and staging is disabled: enable staging first")
        .contains("Type instead, in this order:\n  kubectl flagstaff set " + KEY + " true --staging\n"
            + "  kubectl flagstaff set " + KEY + " true --production");
    assertThat(flag().getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(spec()).isEqualTo(seedSpec("01-define.yaml"));
  }

  @Test
  void aKubectlChangeOfAnotherEnvironmentMadeWhileTheCommandRunsSurvives() {
    kubectlApply("01-define.yaml");
    assertThat(plugin(SeedLines.STEPS.get(0).line())).as(err).isZero();
    AtomicInteger kubectlRuns = new AtomicInteger();
    Runnable concurrentKubectl = () -> {
      if (kubectlRuns.getAndIncrement() == 0) {
        kubectl.run("patch", "featureflag", NAME, "--type=merge",
            "-p", "{\"spec\":{\"environments\":{\"dev\":{\"enabled\":false}}}}").orThrow();
      }
    };

    assertThat(plugin(concurrentKubectl, "set " + KEY + " 10 --random")).as(err).isZero();

    // At least one 409: kubectl's patch; the operator's status write after it may cause another.
    assertThat(kubectlRuns.get()).as("the write was planned again after the conflict").isGreaterThanOrEqualTo(2);
    JsonNode environments = spec().get("environments");
    assertThat(environments.get("dev")).as("kubectl's change, made after the plugin read the flag")
        .isEqualTo(CrdAdmission.readJson("{\"enabled\":false}"));
    assertThat(environments.get("production")).isEqualTo(CrdAdmission.readJson(
        "{\"enabled\":true,\"percentage\":10,\"strategy\":\"random\",\"requires\":\"staging\"}"));
    assertThat(environments.get("staging")).isEqualTo(CrdAdmission.readJson("{\"enabled\":true}"));
  }

  @Test
  void aFlagThatArgoCdManagesIsRefusedInTheClusterWithTheGitCommandsInstead() {
    kubectlApply("02-enable-non-production.yaml");
    kubectl.run("annotate", "featureflag", NAME, "argocd.argoproj.io/tracking-id=flags:flagstaff.dev/FeatureFlag:"
        + namespace + "/" + NAME).orThrow();

    assertThat(plugin("set " + KEY + " 10 --random")).isEqualTo(1);

    assertThat(err).startsWith("featureflag/" + NAME + " is managed by Argo CD (annotation argocd.argoproj.io/tracking-id)")
        .contains("kubectl flagstaff set " + KEY + " 10 --random --production --file <its manifest in your working copy>");
    assertThat(spec()).isEqualTo(seedSpec("02-enable-non-production.yaml"));
  }

  @Test
  void fullyOnDropsAPercentageThatKubectlApplyOwns() {
    kubectlApply("03-production-10-percent.yaml");

    assertThat(plugin("set " + KEY + " true")).as(err).isZero();

    assertThat(spec()).isEqualTo(seedSpec("05-enable-globally.yaml"));
    await().atMost(WAIT).until(() -> production() != null && production().startsWith("{\"enabled\":true,\"generation\""));
  }

  @Test
  void listGetAndOutputFormatsNamespaceAndContextAsKubectl() {
    kubectlApply("04-production-50-percent.yaml");
    await().atMost(WAIT).until(() -> plugin("list") == 0 && out.matches("(?s).*production\\s+50% of time\\s+True.*"));
    assertThat(out.lines().findFirst().orElseThrow()).startsWith("NAME").contains("KEY", "DEV", "STAGING",
        "STAGING-REF", "PRODUCTION", "THIS CLUSTER", "STATE", "READY", "PHASE", "EFFECTIVE", "PROPAGATED");

    assertThat(plugin("get " + KEY, "-o", "json")).isZero();
    assertThat(out).contains("\"name\" : \"" + NAME + "\"", "\"state\" : \"50% of time\"");
    assertThat(plugin("list --match app_home", "-o", "yaml")).isZero();
    assertThat(out).startsWith("---\napiVersion: \"v1\"\nkind: \"List\"").contains("  - apiVersion: \"flagstaff.dev/v1alpha1\"");
    assertThat(plugin("get " + KEY, "-o", "table")).isEqualTo(2);

    String other = server.freshNamespace("chatops-other");
    assertThat(plugin("get " + KEY, "-n", other)).isEqualTo(1);
    assertThat(err).startsWith("No FeatureFlag with key or name '" + KEY + "' in namespace " + other);

    String cluster = kubectl.run("config", "view", "-o", "jsonpath={.contexts[0].context.cluster}").orThrow().out();
    String user = kubectl.run("config", "view", "-o", "jsonpath={.contexts[0].context.user}").orThrow().out();
    kubectl.run("config", "set-context", "elsewhere", "--cluster=" + cluster, "--user=" + user, "--namespace=" + other)
        .orThrow();
    assertThat(plugin("list", "--context", "elsewhere")).isZero();
    assertThat(out).isEqualTo("No FeatureFlags in namespace " + other + ".\n");
  }
}
