package dev.flagstaff.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.testkit.kube.RealKubernetes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./flagstaff demo --chatops}: the seed's rollout driven by its own ChatOps lines as signed slash commands, on
 * the real API server; every line's reply, ConfigMap entry and Home tabs as the seed expects, and exit 0.
 */
@RealKubernetes
class DemoChatOpsIT {
  @Test
  void theSeedsChatOpsLinesWalkTheRolloutThroughTheSlashCommand() throws Exception {
    Path log = Files.createTempFile("demo-chatops", ".log");
    Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
        "-jar", System.getProperty("flagstaff.demo.jar"), "--chatops")
        .directory(Path.of(System.getProperty("flagstaff.root")).toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = demo.waitFor(300, TimeUnit.SECONDS);
    if (!finished) {
      demo.destroy();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as("the demo finished; it printed:%n%s", output).isTrue();
    assertThat(demo.exitValue()).as("exit code; the demo printed:%n%s", output).isZero();
    assertThat(output).contains("real kube-apiserver").contains("Every ChatOps line behaved as the seed expects.")
        .contains("production requires staging, and staging is disabled: enable staging first")
        .contains("Cross-posted to the owners' channel (#g_ecosystem_integrations): 6 messages");
    for (SeedLines.Step step : SeedLines.STEPS) {
      assertThat(output).contains("@demo: /flagstaff " + step.line());
    }
    assertThat(output).containsPattern("posted in the channel:\n\\s+<@U0DEMO> ran `/flagstaff set "
        + "slack_events_app_home_opened 10 --random --production`");
  }
}
