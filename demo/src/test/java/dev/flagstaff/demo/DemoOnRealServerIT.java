package dev.flagstaff.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.testkit.kube.RealKubernetes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./flagstaff demo --api real}: the seed rollout walked on a real kube-apiserver + etcd, saying so; it exits 0
 * and stops the two servers it started.
 */
@RealKubernetes
class DemoOnRealServerIT {
  @Test
  void theSeedRolloutPassesOnTheRealServerAndLeavesNoProcessBehind() throws Exception {
    Path log = Files.createTempFile("demo-real", ".log");
    Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", System.getProperty("flagstaff.demo.jar"), "--api", "real")
        .directory(Path.of(System.getProperty("flagstaff.root")).toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Set<ProcessHandle> children = new HashSet<>();
    await("etcd and kube-apiserver to start under the demo").atMost(Duration.ofSeconds(60))
        .until(() -> {
          demo.descendants().forEach(children::add);
          return children.size() >= 2 || !demo.isAlive();
        });
    assertThat(demo.waitFor(180, TimeUnit.SECONDS)).as("the demo finished").isTrue();
    String output = Files.readString(log, StandardCharsets.UTF_8);

    assertThat(demo.exitValue()).as("exit code; the demo printed:%n%s", output).isZero();
    assertThat(output).contains("real kube-apiserver").contains("Every step behaved as the seed expects.");
    assertThat(children).as("processes the demo started").hasSizeGreaterThanOrEqualTo(2)
        .noneMatch(ProcessHandle::isAlive);
  }
}
