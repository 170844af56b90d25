package dev.flagstaff.endpoint.chatops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.endpoint.SlackEndpoint;
import dev.flagstaff.operator.FlagstaffOperator;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slash command on a real API server, with the production operator and the endpoint (which reports what it
 * serves on its consumer Lease, so changes become Propagated 1/1): the seed's lines verbatim, the consistency
 * refusal, an unauthorised user, production from the wrong channel, a GitOps-managed flag, and a kubectl change of
 * another environment made between the command's read and its write.
 */
@RealKubernetes
class SlashCommandOnRealServerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String NAME = "slack-events-app-home-opened";
  private static final String KEY = "slack_events_app_home_opened";
  private static final String PRODUCTION = "C0PRODUCTION";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir
  Path dir;
  private RealApiServer server;
  private String namespace;
  private Cli kubectl;
  private FlagstaffOperator operator;
  private SlackApiStub slack;
  private SlackEndpoint endpoint;
  private KubernetesClient endpointClient;
  private SlackRequests commands;
  /** Runs before the endpoint's next server-side apply of the flag: a test's place for a concurrent kubectl. */
  private volatile Runnable beforeApply;
  private Path policy;

  @BeforeEach
  void start(RealApiServer server) throws IOException {
    this.server = server;
    namespace = server.freshNamespace("slash");
    kubectl = Cli.kubectl(server.binaries(), server.kubeconfig(namespace));
    operator = new FlagstaffOperator(new Config(Map.of("FLAGSTAFF_ENVIRONMENT", "production",
        "FLAGSTAFF_NAMESPACES", namespace, "FLAGSTAFF_MANAGEMENT_PORT", "0")), server.newClient());
    operator.start();
    slack = SlackApiStub.start();
    Path policy = Files.writeString(dir.resolve("policy.yaml"), """
        environments:
          production: {users: [U222], channels: [C0PRODUCTION]}
        "*": {users: [U222, U111]}
        """);
    endpointClient = new KubernetesClientBuilder().withConfig(server.client().getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("concurrent-kubectl", new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            Runnable hook = beforeApply;
            if (hook != null && "PATCH".equals(request.method()) && request.uri().getPath().endsWith("/" + NAME)
                && String.valueOf(request.uri().getQuery()).contains("fieldManager=flagstaff-chatops")
                && String.valueOf(request.uri().getQuery()).contains("force=true")) {
              hook.run();
            }
          }
        })).build();
    this.policy = policy;
    startEndpoint(Map.of());
  }

  private void startEndpoint(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(Map.ofEntries(
        Map.entry("SLACK_SIGNING_SECRET", SECRET), Map.entry("SLACK_BOT_TOKEN", "xoxb-1-2-test"),
        Map.entry("SLACK_API_URL", slack.baseUrl()), Map.entry("FLAGSTAFF_BIND_ADDRESS", "127.0.0.1"),
        Map.entry("FLAGSTAFF_PORT", "0"), Map.entry("FLAGSTAFF_MANAGEMENT_PORT", "0"),
        Map.entry("FLAGSTAFF_NAMESPACE", namespace), Map.entry("POD_NAME", "endpoint-0"),
        Map.entry("FLAGSTAFF_CHATOPS_ENABLED", "true"), Map.entry("FLAGSTAFF_CHATOPS_POLICY", policy.toString()),
        Map.entry("FLAGSTAFF_CHATOPS_GIT_PATH", "flags")));
    env.putAll(extra);
    endpoint = new SlackEndpoint(new Config(env), endpointClient).start();
    commands = new SlackRequests(SECRET, URI.create("http://127.0.0.1:" + endpoint.port() + SlackRequests.COMMANDS_PATH));
  }

  @AfterEach
  void stop() {
    endpoint.close();
    endpointClient.close();
    operator.close();
    slack.close();
  }

  /** Sends {@code text} as U222's {@code /flagstaff} in {@code channel}; returns the messages posted back. */
  private List<JsonNode> slash(String user, String channel, String text, int replies) {
    String url = slack.responseUrl("R" + IDS.incrementAndGet());
    HttpResponse<String> ack = commands.sendForm(SlackRequests.slashCommand("/flagstaff", text, "T0FLAGSTAFF", user,
        "alice", channel, "production", url));
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    assertThat(read(ack.body()).path("response_type").asText()).isEqualTo("ephemeral");
    await().atMost(WAIT).until(() -> slack.hookPosts(url).size() >= replies);
    return slack.hookPosts(url).stream().map(c -> read(c.body())).toList();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode flag() {
    Object flag = server.client().genericKubernetesResources(FeatureFlag.GROUP + "/" + FeatureFlag.VERSION,
        "FeatureFlag").inNamespace(namespace).withName(NAME).get();
    return flag == null ? null : Serialization.jsonMapper().valueToTree(flag);
  }

  private String production() {
    ConfigMap map = server.client().configMaps().inNamespace(namespace).withName("feature-flags").get();
    return map == null || map.getData() == null ? null : map.getData().get(KEY);
  }

  private static JsonNode seedSpec(String file) {
    return CrdAdmission.featureFlags().withDefaults(SeedLines.read(file)).get("spec");
  }

  private void kubectlApply(String file) {
    kubectl.run("apply", "-f", SeedLines.SEED.resolve(file).toString()).orThrow();
  }

  private double chatops(String result) {
    return endpoint.registry().find("flagstaff.chatops.commands").tag("result", result).counter().count();
  }

  @Test
  void theSeedsLinesVerbatimWalkTheRolloutEachRepliedOnceReadyAndPropagated() {
    kubectlApply("01-define.yaml");
    await().atMost(WAIT).until(() -> production() != null);
    List<String> states = List.of("Disabled", "10% of time", "50% of time", "Enabled", "Disabled");
    for (int i = 0; i < states.size(); i++) {
      SeedLines.Step step = SeedLines.STEPS.get(i);
      JsonNode reply = slash("U222", PRODUCTION, step.line(), 1).get(0);
      String text = reply.path("text").asText();
      assertThat(reply.path("response_type").asText()).as(text).isEqualTo("in_channel");
      assertThat(text).startsWith("<@U222> ran `/flagstaff " + step.line().replace("/chatops run feature ", ""))
          .containsPattern("\n" + namespace + "\\s+production\\s+" + java.util.regex.Pattern.quote(states.get(i))
              + "\\s+True \\(\\w+\\)\\s+1/1\n");
      JsonNode flag = flag();
      assertThat(flag.get("spec")).as(step.line()).isEqualTo(seedSpec(step.file()));
      JsonNode record = read(flag.path("metadata").path("annotations").path(ChangeRecord.ANNOTATION).asText());
      assertThat(record.path("user").asText()).isEqualTo("U222");
      assertThat(record.path("team").asText()).isEqualTo("T0FLAGSTAFF");
      assertThat(record.path("channel").asText()).isEqualTo(PRODUCTION);
      assertThat(record.path("command").asText()).isEqualTo(step.line());
    }
    assertThat(production()).startsWith("{\"enabled\":false,");
    assertThat(flag().path("metadata").path("managedFields").findValuesAsText("manager")).contains("flagstaff-chatops");
    List<Event> events = server.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> ChangeRecord.REASON.equals(e.getReason())).toList();
    assertThat(events).hasSize(5).allMatch(e -> "Normal".equals(e.getType()));
    assertThat(events).extracting(Event::getMessage).anyMatch(m -> m.equals("alice (U222) in #production ("
        + PRODUCTION + ") ran \"" + SeedLines.STEPS.get(1).line() + "\": production: Disabled → 10% of time"));
    assertThat(slack.calls("chat.postMessage")).hasSize(5).allMatch(c -> "#g_ecosystem_integrations"
        .equals(c.field("channel")) && c.field("text").contains("was changed from Slack by <@U222>"));

    JsonNode cleanup = slash("U222", PRODUCTION, SeedLines.STEPS.get(5).line(), 1).get(0);
    assertThat(cleanup.path("text").asText()).containsPattern("\n" + namespace + "\\s+-\\s+deleted");
    assertThat(flag()).isNull();
    await().atMost(WAIT).until(() -> production() == null);
    await().atMost(WAIT).until(() -> chatops("applied") == 6);
  }

  @Test
  void productionBeforeStagingIsRefusedEphemerallyWithWhatToTypeAndNothingIsWritten() {
    kubectlApply("01-define.yaml");
    JsonNode reply = slash("U222", PRODUCTION, "/chatops run feature set " + KEY + " true", 1).get(0);
    assertThat(reply.path("response_type").asText()).isEqualTo("ephemeral");
    assertThat(reply.path("text").asText())
        .startsWith(":no_entry: production requires staging, and staging is disabled: enable staging first")
        .contains("Type instead, in this order:\n  /flagstaff set " + KEY + " true --staging\n"
            + "  /flagstaff set " + KEY + " true --production");
    assertThat(flag().path("metadata").path("generation").asLong()).isEqualTo(1);
    assertThat(flag().path("metadata").path("annotations").has(ChangeRecord.ANNOTATION)).isFalse();
    await().atMost(WAIT).until(() -> chatops("refused") == 1);
    assertThat(slack.calls("chat.postMessage")).isEmpty();
  }

  @Test
  void anUnauthorisedUserAndProductionFromTheWrongChannelAreRefusedAndNothingIsWritten() {
    kubectlApply("02-enable-non-production.yaml");
    JsonNode stranger = slash("U999", PRODUCTION, "set " + KEY + " 10 --random", 1).get(0);
    assertThat(stranger.path("response_type").asText()).isEqualTo("ephemeral");
    assertThat(stranger.path("text").asText()).contains("you (U999) are not among the users or user groups allowed "
        + "to change production");
    JsonNode elsewhere = slash("U222", "C0RANDOM", "set " + KEY + " 10 --random", 1).get(0);
    assertThat(elsewhere.path("text").asText()).contains("production is changed only from <#C0PRODUCTION>, not from "
        + "this channel (C0RANDOM)");
    JsonNode devElsewhere = slash("U111", "C0RANDOM", "set " + KEY + " false --dev", 1).get(0);
    assertThat(devElsewhere.path("response_type").asText()).as("dev has no channel rule").isEqualTo("in_channel");
    assertThat(flag().path("spec").path("environments").path("production"))
        .isEqualTo(seedSpec("02-enable-non-production.yaml").path("environments").path("production"));
    await().atMost(WAIT).until(() -> chatops("unauthorized") == 2);
  }

  @Test
  void aFlagThatArgoCdManagesIsRefusedWithTheFileAndLinesToChangeInGit() {
    kubectlApply("02-enable-non-production.yaml");
    kubectl.run("annotate", "featureflag", NAME, "argocd.argoproj.io/tracking-id=flags:flagstaff.dev/FeatureFlag:"
        + namespace + "/" + NAME).orThrow();
    JsonNode reply = slash("U222", PRODUCTION, "/chatops run feature set " + KEY + " 10 --random", 1).get(0);
    assertThat(reply.path("response_type").asText()).isEqualTo("ephemeral");
    assertThat(reply.path("text").asText())
        .contains("featureflag/" + NAME + " in " + namespace + " is managed by Argo CD (annotation "
            + "argocd.argoproj.io/tracking-id)")
        .contains("Change it in Git instead, in flags/" + NAME + ".yaml:\n```\nspec:\n  environments:\n"
            + "    production:\n      enabled: true\n      percentage: 10\n      strategy: random\n"
            + "      requires: staging\n```")
        .contains("kubectl flagstaff set " + KEY + " 10 --random --production --file <that file>");
    assertThat(flag().path("spec")).isEqualTo(seedSpec("02-enable-non-production.yaml"));
  }

  @Test
  void aKubectlChangeOfAnotherEnvironmentMadeBetweenTheReadAndTheWriteSurvives() {
    kubectlApply("02-enable-non-production.yaml");
    AtomicInteger applies = new AtomicInteger();
    beforeApply = () -> {
      if (applies.getAndIncrement() == 0) {
        kubectl.run("patch", "featureflag", NAME, "--type=merge",
            "-p", "{\"spec\":{\"environments\":{\"dev\":{\"enabled\":false}}}}").orThrow();
      }
    };
    JsonNode reply = slash("U222", PRODUCTION, "set " + KEY + " 10 --random", 1).get(0);
    assertThat(reply.path("response_type").asText()).as(reply.toString()).isEqualTo("in_channel");
    assertThat(applies.get()).as("the apply was planned again after kubectl's change").isGreaterThanOrEqualTo(2);
    JsonNode environments = flag().path("spec").path("environments");
    assertThat(environments.get("dev")).as("kubectl's change").isEqualTo(CrdAdmission.readJson("{\"enabled\":false}"));
    assertThat(environments.get("production")).isEqualTo(CrdAdmission.readJson(
        "{\"enabled\":true,\"percentage\":10,\"strategy\":\"random\",\"requires\":\"staging\"}"));
    assertThat(environments.get("staging")).isEqualTo(CrdAdmission.readJson("{\"enabled\":true}"));
    beforeApply = null;
    slash("U222", PRODUCTION, "set " + KEY + " 50 --random", 1);
    assertThat(flag().path("spec").path("environments").get("dev"))
        .as("a later command does not bring back what it never wrote").isEqualTo(CrdAdmission.readJson("{\"enabled\":false}"));
  }

  @Test
  void everyCopyInTheConfiguredNamespacesIsChangedAndEachOperatorReportsIt() {
    String staging = server.freshNamespace("slash-staging");
    try (FlagstaffOperator stagingOperator = new FlagstaffOperator(new Config(Map.of("FLAGSTAFF_ENVIRONMENT", "staging",
        "FLAGSTAFF_NAMESPACES", staging, "FLAGSTAFF_MANAGEMENT_PORT", "0")), server.newClient())) {
      stagingOperator.start();
      kubectlApply("01-define.yaml");
      Cli.kubectl(server.binaries(), server.kubeconfig(staging)).run("apply", "-f",
          SeedLines.SEED.resolve("01-define.yaml").toString()).orThrow();
      endpoint.close();
      startEndpoint(Map.of("FLAGSTAFF_CHATOPS_NAMESPACES", namespace + "," + staging,
          "FLAGSTAFF_REPORT_PROPAGATION", "false"));

      String text = slash("U222", PRODUCTION, SeedLines.STEPS.get(0).line(), 1).get(0).path("text").asText();

      assertThat(text).containsPattern("\n" + namespace + "\\s+production\\s+Disabled\\s+True")
          .containsPattern("\n" + staging + "\\s+staging\\s+Enabled\\s+True");
      for (String ns : List.of(namespace, staging)) {
        JsonNode copy = Serialization.jsonMapper().valueToTree(server.client().genericKubernetesResources(
            FeatureFlag.GROUP + "/" + FeatureFlag.VERSION, "FeatureFlag").inNamespace(ns).withName(NAME).get());
        assertThat(copy.get("spec")).as(ns).isEqualTo(seedSpec("02-enable-non-production.yaml"));
      }
      assertThat(slack.calls("chat.postMessage")).as("one announcement for the change, not one per copy").hasSize(1);
    }
  }
}
