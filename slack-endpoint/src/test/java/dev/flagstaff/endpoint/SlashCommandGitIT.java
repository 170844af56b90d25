package dev.flagstaff.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstaff.testkit.GitDaemon;
import dev.flagstaff.testkit.KubernetesTestServer;
import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.testkit.SlackRequests;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FLAGSTAFF_CHATOPS_TARGET=git against a real Git server on loopback ({@code git daemon}): a slash command becomes a
 * commit to {@code flags/<flag>.yaml} with the Slack user as author and the command line as message, and the reply
 * in the channel gives the commit id; a refused line commits nothing. (The fetch-and-retry on a non-fast-forward
 * is chatops' GitTarget's, proven in GitTargetIT.)
 */
class SlashCommandGitIT {
  private static final String FILE = "flags/slack-events-app-home-opened.yaml";

  @TempDir
  Path dir;
  private GitDaemon daemon;
  private Path bare;
  private KubernetesTestServer kubernetes;
  private EndpointFixture fixture;
  private SlackRequests commands;

  private static String git(Path in, String... args) {
    return GitDaemon.git(in, args);
  }

  @BeforeEach
  void start() throws IOException {
    Assumptions.assumeTrue(GitDaemon.installed(), "git daemon is not installed");
    daemon = GitDaemon.start(dir, Map.of(FILE, SeedLines.SEED.resolve("01-define.yaml")));
    bare = daemon.bare();
    String url = daemon.url();
    kubernetes = KubernetesTestServer.start("flags");
    Map<String, String> env = new HashMap<>();
    env.put("FLAGSTAFF_NAMESPACE", "flags");
    env.put("FLAGSTAFF_REPORT_PROPAGATION", "false");
    env.put("FLAGSTAFF_CHATOPS_ENABLED", "true");
    env.put("FLAGSTAFF_CHATOPS_POLICY", Files.writeString(dir.resolve("policy.yaml"), "\"*\": {users: [U222]}\n")
        .toString());
    env.put("FLAGSTAFF_CHATOPS_TARGET", "git");
    env.put("FLAGSTAFF_CHATOPS_GIT_URL", url);
    env.put("FLAGSTAFF_CHATOPS_GIT_PATH", "flags");
    fixture = EndpointFixture.startWithClient(kubernetes.client(), env);
    commands = new SlackRequests(EndpointFixture.SECRET,
        URI.create("http://127.0.0.1:" + fixture.endpoint.port() + SlackRequests.COMMANDS_PATH));
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
      kubernetes.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  private JsonNode slash(String text) throws IOException {
    String url = fixture.slack.responseUrl("G" + System.nanoTime());
    assertThat(commands.sendForm(SlackRequests.slashCommand("/flagstaff", text, "T1", "U222", "alice", "C1", "ops",
        url)).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).until(() -> !fixture.slack.hookPosts(url).isEmpty());
    return EndpointFixture.JSON.readTree(fixture.slack.hookPosts(url).get(0).body());
  }

  @Test
  void aSlashCommandBecomesACommitByTheSlackUserAndTheReplyGivesItsId() throws IOException {
    JsonNode reply = slash(SeedLines.STEPS.get(0).line());

    assertThat(reply.path("response_type").asText()).as(reply.toString()).isEqualTo("in_channel");
    String head = git(bare, "rev-parse", "main");
    assertThat(reply.path("text").asText()).contains("(commit " + head.substring(0, 12) + ")")
        .contains("• dev: Disabled → Enabled");
    assertThat(git(bare, "log", "-1", "--format=%an <%ae>%n%s", "main"))
        .isEqualTo("alice <U222@T1.slack>\nset slack_events_app_home_opened true --dev --staging --staging-ref");
    Path check = dir.resolve("check");
    git(dir, "clone", "-q", bare.toString(), check.toString());
    String expected = Files.readString(SeedLines.SEED.resolve("02-enable-non-production.yaml"))
        .replaceFirst("(?s)^(#[^\n]*\n)+", "");
    assertThat(Files.readString(check.resolve(FILE)).replaceFirst("(?s)^(#[^\n]*\n)+", "")).isEqualTo(expected);
  }

  @Test
  void aRefusedLineCommitsNothing() throws IOException {
    String before = git(bare, "rev-parse", "main");
    JsonNode reply = slash("set slack_events_app_home_opened true");
    assertThat(reply.path("response_type").asText()).isEqualTo("ephemeral");
    assertThat(reply.path("text").asText()).contains("enable staging first");
    assertThat(git(bare, "rev-parse", "main")).isEqualTo(before);
  }
}
