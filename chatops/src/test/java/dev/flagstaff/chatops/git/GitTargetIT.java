package dev.flagstaff.chatops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.CommandParser;
import dev.flagstaff.chatops.command.Planner;
import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.chatops.kubectl.KubectlFlagstaff;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git write target against a real Git server on loopback (Debian's git served by {@code git daemon}): the
 * seed's line becomes a commit with the person as author and the command as message, and a push that someone
 * else's push beat is fetched, planned again and pushed on top, their change kept.
 */
class GitTargetIT {
  private static final String FILE = "flags/slack-events-app-home-opened.yaml";
  private static final String KEY = "slack_events_app_home_opened";

  @TempDir
  Path dir;
  private Process daemon;
  private String url;
  private Path bare;

  private String git(Path in, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Grace", "-c", "user.email=grace@example.com"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
      return out.strip();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @BeforeEach
  void serve() throws IOException {
    Assumptions.assumeTrue(new java.io.File("/usr/lib/git-core/git-daemon").canExecute()
        || new java.io.File("/usr/libexec/git-core/git-daemon").canExecute(), "git daemon is not installed");
    bare = dir.resolve("repos").resolve("flags.git");
    Files.createDirectories(bare);
    git(bare, "init", "--bare", "-q", "-b", "main");
    Path seed = dir.resolve("seed");
    git(dir, "clone", "-q", bare.toString(), seed.toString());
    Files.createDirectories(seed.resolve("flags"));
    Files.copy(SeedLines.SEED.resolve("01-define.yaml"), seed.resolve(FILE));
    git(seed, "add", FILE);
    git(seed, "commit", "-q", "-m", "define the flag");
    git(seed, "push", "-q", "origin", "HEAD:main");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    daemon = new ProcessBuilder("git", "daemon", "--export-all", "--enable=receive-pack", "--reuseaddr",
        "--listen=127.0.0.1", "--port=" + port, "--base-path=" + dir.resolve("repos"), dir.resolve("repos").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
    url = "git://127.0.0.1:" + port + "/flags.git";
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      Process probe = new ProcessBuilder("git", "ls-remote", url).redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      return probe.waitFor() == 0;
    });
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (daemon != null) {
      daemon.destroy();
      daemon.waitFor();
    }
  }

  private static String body(String text) {
    return text.replaceFirst("(?s)^(#[^\n]*\n)+", "");
  }

  @Test
  void theSeedsLineBecomesACommitByThePersonWithTheCommandAsMessage() throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of(SeedLines.STEPS.get(0).line().split(" ")));
    args.addAll(List.of("--git", url, "--file", FILE, "--author", "Ada Lovelace <ada@example.com>"));

    int code = KubectlFlagstaff.run(new KubectlFlagstaff((k, c) -> {
      throw new AssertionError("--git must not reach a cluster");
    }), args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));

    assertThat(code).as(err.toString()).isZero();
    String head = git(bare, "rev-parse", "main");
    assertThat(out.toString()).contains("+      enabled: true", "committed " + head + " to main of " + url + "\n",
        "  dev: Disabled → Enabled");
    assertThat(git(bare, "log", "-1", "--format=%an <%ae>|%s", "main"))
        .isEqualTo("Ada Lovelace <ada@example.com>|set " + KEY + " true --dev --staging --staging-ref");
    assertThat(body(git(bare, "show", "main:" + FILE) + "\n"))
        .isEqualTo(body(Files.readString(SeedLines.SEED.resolve("02-enable-non-production.yaml"))));
  }

  @Test
  void aPushThatSomeoneElsesBeatIsFetchedPlannedAgainAndPushedOnTopKeepingTheirChange() throws Exception {
    Path theirs = dir.resolve("theirs");
    git(dir, "clone", "-q", url, theirs.toString());
    GitTarget target = new GitTarget(url, "main", null);
    AtomicInteger pushes = new AtomicInteger();
    target.beforePush = () -> {
      if (pushes.getAndIncrement() == 0) {
        try {
          Path file = theirs.resolve(FILE);
          Files.writeString(file, Files.readString(file).replace("    dev:\n      enabled: false\n",
              "    dev:\n      enabled: true  # Grace, for QA\n"));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        git(theirs, "commit", "-q", "-am", "dev on for QA");
        git(theirs, "push", "-q", "origin", "HEAD:main");
      }
    };
    Command command = CommandParser.parse("/chatops run feature set " + KEY + " true --staging");

    GitTarget.Result result = target.carryOut(command, new Planner(CrdAdmission.featureFlags()::errors), FILE,
        new PersonIdent("Ada", "ada@example.com"), false);

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.commit()).isEqualTo(git(bare, "rev-parse", "main"));
    assertThat(git(bare, "log", "--format=%s", "main")).isEqualTo("set " + KEY + " true --staging\ndev on for QA\n"
        + "define the flag");
    assertThat(git(bare, "show", "main:" + FILE)).contains("    dev:\n      enabled: true  # Grace, for QA\n"
        + "    staging:\n      enabled: true\n    staging-ref:\n      enabled: false\n");
  }

  @Test
  void aRefusedCommandPushesNothing() throws Exception {
    String before = git(bare, "rev-parse", "main");
    GitTarget.Result result = new GitTarget(url, "main", null).carryOut(
        CommandParser.parse("feature set " + KEY + " true"), new Planner(CrdAdmission.featureFlags()::errors), FILE,
        new PersonIdent("Ada", "ada@example.com"), false);

    assertThat(result.commit()).isNull();
    assertThat(result.edit().refusal().reason()).startsWith("production requires staging");
    assertThat(git(bare, "rev-parse", "main")).isEqualTo(before);
  }
}
