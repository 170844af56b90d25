package dev.flagstaff.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.KubeBinaries;
import dev.flagstaff.testkit.kube.RealKubernetes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./flagstaff up} as a user runs it: the demo jar with {@code up}, then the real kubectl in "another
 * terminal" with the printed {@code export KUBECONFIG=...} and no {@code -n}; then Ctrl-C (SIGINT), after which no
 * process it started is alive and none of its ports answers.
 */
@RealKubernetes
class PlaygroundIT {
  private static final Pattern KUBECONFIG = Pattern.compile("export KUBECONFIG=(\\S+)");
  private static final Pattern PORT = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");

  private Process up;
  private final List<String> output = new CopyOnWriteArrayList<>();

  @Test
  void kubectlDrivesThePlaygroundAndCtrlCLeavesNothingBehind() throws Exception {
    // As from a terminal, where Ctrl-C's SIGINT is not ignored: a build started in the background by a
    // non-interactive shell (nohup, `cmd &`) passes SIGINT down ignored, and the JVM then never sees Ctrl-C.
    // coreutils' env resets it to the default before running the JVM (it execs, so the pid stays the JVM's).
    up = new ProcessBuilder("env", "--default-signal=INT",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", Path.of(System.getProperty("flagstaff.demo.jar")).toString(), "up")
        .directory(Path.of(System.getProperty("flagstaff.root")).toFile())
        .redirectErrorStream(true).start();
    Thread reader = new Thread(this::readOutput, "flagstaff-up-output");
    reader.setDaemon(true);
    reader.start();
    await("./flagstaff up to say it is ready").atMost(Duration.ofSeconds(120))
        .until(() -> output.contains("Press Ctrl-C to stop everything.") || !up.isAlive());
    assertThat(up.isAlive()).as("./flagstaff up is running; it printed:%n%s", String.join("\n", output)).isTrue();
    assertThat(String.join("\n", output)).contains("real kube-apiserver");
    List<ProcessHandle> children = up.descendants().toList();
    assertThat(children).as("etcd and kube-apiserver run as children").hasSizeGreaterThanOrEqualTo(2);

    Path kubeconfig = Path.of(find(KUBECONFIG, String.join("\n", output)).get(0));
    Cli kubectl = Cli.kubectl(KubeBinaries.find().orElseThrow(), kubeconfig);
    Path examples = Path.of(System.getProperty("flagstaff.root"), "examples", "seed-rollout");
    assertThat(kubectl.run("apply", "-f", examples.resolve("01-define.yaml").toString()).orThrow().out())
        .contains("featureflag.flagstaff.dev/slack-events-app-home-opened created");
    kubectl.run("apply", "-f", examples.resolve("03-production-10-percent.yaml").toString()).orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Propagated", "--timeout=60s",
        "ff/slack-events-app-home-opened").orThrow().out()).contains("condition met");
    assertThat(kubectl.run("get", "ff").orThrow().out())
        .contains("slack-events-app-home-opened").contains("slack_events_app_home_opened").contains("10% of time");
    assertThat(kubectl.run("describe", "ff", "slack-events-app-home-opened").orThrow().out())
        .contains("Propagated").contains("Ready");
    assertThat(kubectl.run("explain", "featureflag.spec").orThrow().out()).contains("environments");

    List<Integer> ports = new ArrayList<>();
    ports.add(URI.create(server(kubeconfig)).getPort());
    find(PORT, String.join("\n", output)).forEach(p -> ports.add(Integer.parseInt(p)));
    assertThat(ports.stream().allMatch(PlaygroundIT::answers)).as("every printed port answers: %s", ports).isTrue();

    new ProcessBuilder("kill", "-INT", String.valueOf(up.pid())).start().waitFor();
    try {
      await("./flagstaff up to stop after Ctrl-C").atMost(Duration.ofSeconds(60)).until(() -> !up.isAlive());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("./flagstaff up still runs 60 s after Ctrl-C; it printed:\n"
          + String.join("\n", output), e);
    }
    assertThat(output).contains("flagstaff up: stopped");
    assertThat(children).as("processes started by ./flagstaff up").noneMatch(ProcessHandle::isAlive);
    assertThat(ports).as("ports of ./flagstaff up after Ctrl-C").noneMatch(PlaygroundIT::answers);
  }

  private void readOutput() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        output.add(line);
      }
    } catch (IOException e) {
      output.add("(output ended: " + e.getMessage() + ")");
    }
  }

  private static List<String> find(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    assertThat(found).as("%s in the output:%n%s", pattern, text).isNotEmpty();
    return found;
  }

  private static String server(Path kubeconfig) throws IOException {
    return Files.readAllLines(kubeconfig).stream().map(String::trim).filter(l -> l.startsWith("server: "))
        .findFirst().orElseThrow().substring("server: ".length());
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @AfterEach
  void stop() {
    if (up != null && up.isAlive()) {
      up.descendants().forEach(ProcessHandle::destroyForcibly);
      up.destroyForcibly();
    }
  }
}
