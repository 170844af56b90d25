package dev.flagstaff.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.testkit.FeatureFlags;
import dev.flagstaff.testkit.KubernetesTestServer;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slash command on the endpoint's port, on the mock API server (what it reads; writes are judged on the real
 * server in SlashCommandOnRealServerIT): signing, the form, the command name, response_url, authorization.
 */
class SlashCommandTest {
  static final String NS = "flags";
  static final String POLICY = """
      environments:
        dev:        {users: [U111], userGroups: [S111]}
        production: {users: [U222], userGroups: [], channels: [C0PRODUCTION]}
      """;
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir
  Path dir;
  KubernetesTestServer kubernetes;
  EndpointFixture fixture;
  SlackRequests commands;

  @BeforeEach
  void start() throws IOException {
    kubernetes = KubernetesTestServer.start(NS);
    kubernetes.client().resources(FeatureFlag.class).inNamespace(NS).resource(FeatureFlags.flag(
        "slack-events-app-home-opened", "slack_events_app_home_opened", Map.of("dev", FeatureFlags.off()))).create();
    fixture = EndpointFixture.startWithClient(kubernetes.client(), env(true));
    commands = new SlackRequests(EndpointFixture.SECRET,
        URI.create("http://127.0.0.1:" + fixture.endpoint.port() + SlackRequests.COMMANDS_PATH));
  }

  private Map<String, String> env(boolean enabled) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("FLAGSTAFF_NAMESPACE", NS);
    env.put("FLAGSTAFF_REPORT_PROPAGATION", "false");
    env.put("FLAGSTAFF_CHATOPS_ENABLED", Boolean.toString(enabled));
    env.put("FLAGSTAFF_CHATOPS_POLICY", Files.writeString(dir.resolve("policy.yaml"), POLICY).toString());
    return env;
  }

  @AfterEach
  void stop() {
    fixture.close();
    kubernetes.close();
  }

  private String responseUrl() {
    return fixture.slack.responseUrl("R" + IDS.incrementAndGet());
  }

  private String form(String text, String user, String channel, String responseUrl) {
    return SlackRequests.slashCommand("/flagstaff", text, "T1", user, "alice", channel, "dev", responseUrl);
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return EndpointFixture.JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The messages posted to a response_url, once {@code count} have arrived. */
  private List<JsonNode> posts(String responseUrl, int count) {
    await().until(() -> fixture.slack.hookPosts(responseUrl).size() >= count);
    return fixture.slack.hookPosts(responseUrl).stream().map(c -> {
      try {
        return EndpointFixture.JSON.readTree(c.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).toList();
  }

  private double chatops(String result) {
    return fixture.count("flagstaff.chatops.commands", "result", result);
  }

  @Test
  void aSignedGetIsAcknowledgedEphemerallyThenAnsweredFromTheCluster() {
    String url = responseUrl();
    HttpResponse<String> ack = commands.sendForm(form("get slack_events_app_home_opened", "U999", "C1", url));
    assertThat(ack.statusCode()).isEqualTo(200);
    assertThat(json(ack).path("response_type").asText()).isEqualTo("ephemeral");
    assertThat(json(ack).path("text").asText()).contains("get slack_events_app_home_opened");
    JsonNode answer = posts(url, 1).get(0);
    assertThat(answer.path("response_type").asText()).isEqualTo("ephemeral");
    assertThat(answer.path("text").asText()).contains("Key:  slack_events_app_home_opened").contains("dev")
        .contains("Disabled");
    await().until(() -> chatops("answered") == 1);
  }

  @Test
  void forgedTamperedStaleAndUnsignedCommandsAre401AndNothingRuns() {
    String url = responseUrl();
    String body = form("set slack_events_app_home_opened true --dev", "U111", "C1", url);
    Map<String, String> signed = new HashMap<>(commands.signedHeaders(body));
    signed.put("Content-Type", "application/x-www-form-urlencoded");
    assertThat(commands.sendRaw("POST", body.replace("U111", "U112"), signed).statusCode()).isEqualTo(401);
    Map<String, String> forged = new HashMap<>(signed);
    forged.put("X-Slack-Signature", new SlackRequests("another-secret", commands.endpoint())
        .signature(Long.parseLong(signed.get("X-Slack-Request-Timestamp")), body));
    HttpResponse<String> refused = commands.sendRaw("POST", body, forged);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).isEqualTo("{\"ok\":false,\"error\":\"bad_signature\"}");
    long stale = Instant.now().minusSeconds(600).getEpochSecond();
    Map<String, String> old = new HashMap<>(commands.signedHeaders(body, stale));
    old.put("Content-Type", "application/x-www-form-urlencoded");
    assertThat(commands.sendRaw("POST", body, old).body()).contains("stale");
    assertThat(commands.sendRaw("POST", body, Map.of("Content-Type", "application/x-www-form-urlencoded")).body())
        .contains("missing_header");
    assertThat(fixture.slack.hookPosts(url)).isEmpty();
    assertThat(chatops("applied") + chatops("refused") + chatops("unauthorized") + chatops("failed")).isZero();
  }

  @Test
  void aBodyThatIsNotSlacksFormIs400WithoutAStackTrace() {
    String url = responseUrl();
    HttpResponse<String> json = commands.send("{\"command\":\"/flagstaff\",\"text\":\"list\"}");
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json.body()).isEqualTo("{\"ok\":false,\"error\":\"unsupported_media_type\"}");
    HttpResponse<String> badEscape = commands.sendForm("command=%2Fflagstaff&text=%zz&user_id=U1");
    assertThat(badEscape.statusCode()).isEqualTo(400);
    assertThat(badEscape.body()).isEqualTo("{\"ok\":false,\"error\":\"malformed\"}");
    String withoutUser = form("list", "U111", "C1", url).replace("user_id=U111&", "");
    assertThat(commands.sendForm(withoutUser).body()).contains("malformed");
    assertThat(commands.sendForm(form("list", "U1<script>", "C1", url)).statusCode()).isEqualTo(400);
    assertThat(commands.sendForm(form("list", "U111", "C1", "https://attacker.test/collect")).body())
        .isEqualTo("{\"ok\":false,\"error\":\"bad_response_url\"}");
    assertThat(fixture.slack.hookPosts(url)).isEmpty();
  }

  @Test
  void anotherCommandNameIsRefusedWithTheReason() {
    HttpResponse<String> response = commands.sendForm(SlackRequests.slashCommand("/chatops", "run feature list",
        "T1", "U111", "alice", "C1", "dev", responseUrl()));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("response_type").asText()).isEqualTo("ephemeral");
    assertThat(json(response).path("text").asText()).contains("serves /flagstaff, not /chatops");
  }

  @Test
  void aMistypedLineIsAnsweredInTheAcknowledgementWithWhatToType() {
    HttpResponse<String> response = commands.sendForm(form("set slack_events_app_home_opened", "U111", "C1",
        responseUrl()));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("text").asText()).contains("set needs a value")
        .contains("/flagstaff set slack_events_app_home_opened true");
    assertThat(chatops("refused")).isEqualTo(1);
  }

  @Test
  void anUnauthorisedUserAndProductionFromTheWrongChannelAreRefusedEphemerallyAndNothingIsWritten() {
    fixture.slack.userGroup("S111", "U333");
    String stranger = responseUrl();
    commands.sendForm(form("set slack_events_app_home_opened true --dev", "U999", "C1", stranger));
    JsonNode refused = posts(stranger, 1).get(0);
    assertThat(refused.path("response_type").asText()).isEqualTo("ephemeral");
    assertThat(refused.path("text").asText()).contains("was not run")
        .contains("you (U999) are not among the users or user groups allowed to change dev")
        .contains("Nothing was changed");
    String wrongChannel = responseUrl();
    commands.sendForm(form("set slack_events_app_home_opened 10 --random", "U222", "C0DEV", wrongChannel));
    assertThat(posts(wrongChannel, 1).get(0).path("text").asText())
        .contains("production is changed only from <#C0PRODUCTION>, not from this channel (C0DEV)");
    String unlisted = responseUrl();
    commands.sendForm(form("set slack_events_app_home_opened true --staging", "U111", "C1", unlisted));
    assertThat(posts(unlisted, 1).get(0).path("text").asText()).contains("no one may change staging");
    await().until(() -> chatops("unauthorized") == 3);
    assertThat(kubernetes.client().resources(FeatureFlag.class).inNamespace(NS)
        .withName("slack-events-app-home-opened").get().getMetadata().getGeneration()).isEqualTo(1);
    assertThat(fixture.slack.calls("chat.postMessage")).isEmpty();
    assertThat(fixture.slack.calls("usergroups.users.list")).extracting(c -> c.field("usergroup")).contains("S111");
  }

  @Test
  void theCommandsPathIsNotServedWhenChatOpsIsOff() throws IOException {
    fixture.close();
    fixture = EndpointFixture.startWithClient(kubernetes.client(), env(false));
    SlackRequests off = new SlackRequests(EndpointFixture.SECRET,
        URI.create("http://127.0.0.1:" + fixture.endpoint.port() + SlackRequests.COMMANDS_PATH));
    HttpResponse<String> response = off.sendForm(form("list", "U111", "C1", responseUrl()));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"ok\":false,\"error\":\"not_found\"}");
  }
}
