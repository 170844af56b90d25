package dev.flagstaff.chatops.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin as users run it: the shaded jar and its launcher in a folder on the PATH (as chatops/install.sh puts
 * them), found by the real kubectl as {@code kubectl flagstaff}, with kubectl's exit codes passed through.
 */
@RealKubernetes
class PluginThroughKubectlIT {
  private static final String KEY = "slack_events_app_home_opened";

  private static Path bin;
  private static Path kubeconfig;
  private static RealApiServer server;

  @BeforeAll
  static void install(RealApiServer realServer) throws IOException {
    server = realServer;
    bin = Files.createTempDirectory(server.dir(), "bin");
    Files.copy(Path.of(System.getProperty("flagstaff.plugin.jar", "target/kubectl-flagstaff.jar")),
        bin.resolve("kubectl-flagstaff.jar"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of("bin", "kubectl-flagstaff"), bin.resolve("kubectl-flagstaff"), StandardCopyOption.REPLACE_EXISTING);
    bin.resolve("kubectl-flagstaff").toFile().setExecutable(true);
    kubeconfig = server.kubeconfig(server.freshNamespace("plugin"));
    Cli.kubectl(server.binaries(), kubeconfig).run("apply", "-f", SeedLines.SEED.resolve("01-define.yaml").toString())
        .orThrow();
  }

  private static Cli.Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(server.binaries().kubectl().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Cli.Result(process.waitFor(), out, err);
  }

  @Test
  void kubectlFindsThePluginAndPassesItsExitCodesThrough() throws IOException, InterruptedException {
    assertThat(kubectl("plugin", "list").out()).contains(bin.resolve("kubectl-flagstaff").toString());

    Cli.Result done = kubectl("flagstaff", "feature", "set", KEY, "true", "--dev", "--staging", "--staging-ref");
    assertThat(done.exitCode()).as(done.err()).isZero();
    assertThat(done.out()).isEqualTo("featureflag.flagstaff.dev/slack-events-app-home-opened configured\n"
        + "  dev: Disabled → Enabled\n  staging: Disabled → Enabled\n  staging-ref: Disabled → Enabled\n");
    assertThat(done.err()).isEmpty();

    Cli.Result dryRun = kubectl("flagstaff", "set", KEY, "true", "--staging", "--production", "--dry-run");
    assertThat(dryRun.exitCode()).isZero();
    assertThat(dryRun.out()).contains("configured (dry run)", "production: Disabled → Enabled");

    Cli.Result usage = kubectl("flagstaff", "set", KEY, "10");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.err()).contains("A percentage needs a strategy", "kubectl flagstaff set " + KEY + " 10 --random");

    Cli.Result badOption = kubectl("flagstaff", "get", KEY, "-o");
    assertThat(badOption.exitCode()).isEqualTo(2);

    Cli.Result missing = kubectl("flagstaff", "get", "no_such_flag");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("No FeatureFlag with key or name 'no_such_flag'");
  }
}
