package dev.flagstaff.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.testkit.GitDaemon;
import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.testkit.SlackRequests;
import dev.flagstaff.testkit.kube.RealKubernetes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last mile of the git write target: a {@code /flagstaff} slash command commits to a repository served by
 * {@code git daemon} on loopback, and the demo's GitOps loop ({@code --watch-repo}) watching that repository lands
 * the commit in the cluster (a real kube-apiserver + etcd): the FeatureFlag and the operator's ConfigMap entry change.
 */
@RealKubernetes
class DemoGitOpsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "slack-events-app-home-opened";

  @TempDir
  Path dir;
  private GitDaemon daemon;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @BeforeEach
  void serveTheRepository() {
    Assumptions.assumeTrue(GitDaemon.installed(), "git daemon is not installed");
    daemon = GitDaemon.start(dir, Map.of("flags/" + NAME + ".yaml", SeedLines.SEED.resolve("01-define.yaml")));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aSlashCommandsCommitLandsInTheClusterThroughTheGitOpsLoop() throws Exception {
    try (EmbeddedFlagstaff flagstaff = EmbeddedFlagstaff.start("staging", true, ChatOpsRollout.policyFile(),
        Map.of("FLAGSTAFF_CHATOPS_TARGET", "git", "FLAGSTAFF_CHATOPS_GIT_URL", daemon.url(),
            "FLAGSTAFF_CHATOPS_GIT_PATH", "flags"), out)) {
      GitWatch watch = new GitWatch(flagstaff, daemon.url(), "main", "flags", out);
      Thread loop = new Thread(() -> {
        try {
          watch.run();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "watch-repo");
      loop.start();
      try {
        await("the loop applies the defined flag").atMost(Duration.ofSeconds(60))
            .until(() -> "{\"enabled\":false,".regionMatches(0, String.valueOf(
                flagstaff.configMapEntry("slack_events_app_home_opened")), 0, 17));

        String responseUrl = flagstaff.slack().responseUrl("G1");
        SlackRequests commands = new SlackRequests(flagstaff.signingSecret(),
            URI.create("http://127.0.0.1:" + flagstaff.endpointPort() + SlackRequests.COMMANDS_PATH));
        assertThat(commands.sendForm(SlackRequests.slashCommand("/flagstaff", SeedLines.STEPS.get(0).line(), "TDEMO",
            ChatOpsRollout.USER, "demo", "C0OPS", "ops", responseUrl)).statusCode()).isEqualTo(200);
        await("the reply in the channel").atMost(Duration.ofSeconds(60))
            .until(() -> !flagstaff.slack().hookPosts(responseUrl).isEmpty());
        JsonNode reply = JSON.readTree(flagstaff.slack().hookPosts(responseUrl).get(0).body());
        String commit = GitDaemon.git(daemon.bare(), "rev-parse", "main").substring(0, 12);
        assertThat(reply.path("text").asText()).as(reply.toString()).contains("(commit " + commit + ")");

        await("the commit to land in the cluster").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          FeatureFlag flag = flagstaff.client().resources(FeatureFlag.class).inNamespace(flagstaff.namespace())
              .withName(NAME).get();
          Map<String, EnvironmentState> environments = flag.getSpec().getEnvironments();
          for (String env : List.of("dev", "staging", "staging-ref")) {
            assertThat(environments.get(env)).as(env).isNotNull();
            assertThat(environments.get(env).getEnabled()).as(env).isTrue();
          }
          assertThat(flagstaff.configMapEntry("slack_events_app_home_opened")).startsWith("{\"enabled\":true,");
        });
        assertThat(printed()).contains("at main " + commit)
            .containsPattern("\\[" + NAME + "\\.yaml\\] " + NAME + " → state=\\S+ Ready=True");
      } finally {
        loop.interrupt();
        loop.join();
      }
    }
  }

  @Test
  void aMissingBranchOrAnUnreachableRepositoryIsOneLineAndRetried() throws Exception {
    GitWatch missingBranch = new GitWatch(null, daemon.url(), "nope", "flags", out);
    missingBranch.syncOnce();
    missingBranch.syncOnce();
    GitWatch unreachable = new GitWatch(null, "git://127.0.0.1:1/flags.git", "main", "flags", out);
    unreachable.syncOnce();
    GitWatch missingFolder = new GitWatch(null, daemon.url(), "main", "no-such-folder", out);
    missingFolder.syncOnce();

    List<String> lines = printed().lines().filter(l -> l.contains("not synced")).toList();
    assertThat(lines).as(printed()).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("[" + daemon.url() + "] not synced, retrying every 2s: no branch 'nope' in "
        + daemon.url());
    assertThat(lines.get(1)).startsWith("[git://127.0.0.1:1/flags.git] not synced, retrying every 2s: ");
    assertThat(lines.get(2)).contains("no folder 'no-such-folder' in main at ");
    assertThat(printed()).doesNotContain("\tat ").doesNotContain("Exception");
  }
}
