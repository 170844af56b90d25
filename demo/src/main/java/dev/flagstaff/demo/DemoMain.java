package dev.flagstaff.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./flagstaff demo}: the seed's rollout on an embedded Kubernetes API (Fabric8's mock server in CRUD
 * mode), with the real operator, the real Slack endpoint and a local stub of the Slack Web API, all in this
 * process. {@code --watch DIR} keeps it running as a local GitOps loop over a folder of FeatureFlag files.
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) throws Exception {
    Path examples = Path.of("examples", "seed-rollout");
    Path watch = null;
    String watchRepo = null;
    String branch = "main";
    String repoPath = ".";
    String environment = "production";
    boolean up = args.length > 0 && "up".equals(args[0]);
    boolean realApi = up;
    boolean chatops = false;
    String api = null;
    for (int i = up ? 1 : 0; i < args.length; i++) {
      switch (args[i]) {
        case "--api":
          api = value(args, ++i, "--api needs mock or real");
          if (!api.equals("mock") && !api.equals("real")) {
            System.err.println("flagstaff demo: --api is mock (the embedded mock server) or real (kube-apiserver + etcd)");
            System.exit(2);
          }
          realApi = api.equals("real");
          break;
        case "--chatops":
          chatops = true;
          break;
        case "--watch":
          watch = Path.of(value(args, ++i, "--watch needs a folder"));
          break;
        case "--watch-repo":
          watchRepo = value(args, ++i, "--watch-repo needs a Git URL");
          break;
        case "--branch":
          branch = value(args, ++i, "--branch needs a name");
          break;
        case "--path":
          repoPath = value(args, ++i, "--path needs a folder in the repository");
          break;
        case "--examples":
          examples = Path.of(value(args, ++i, "--examples needs a folder"));
          break;
        case "--environment":
          environment = value(args, ++i, "--environment needs a name");
          break;
        case "-h":
        case "--help":
          usage(System.out);
          return;
        default:
          System.err.println("flagstaff demo: unknown option '" + args[i] + "'");
          usage(System.err);
          System.exit(2);
      }
    }
    if (chatops) {
      if ("mock".equals(api) || watch != null || watchRepo != null || up) {
        System.err.println("flagstaff demo: --chatops runs on the real API server (the slash command writes with "
            + "server-side apply, which the mock rejects), without --watch or --watch-repo");
        System.exit(2);
      }
      realApi = true;
    }
    if (up) {
      quietLogs();
      Playground.run(environment, new PrintStream(System.out, true, StandardCharsets.UTF_8));
      return;
    }
    if (watch != null && watchRepo != null) {
      System.err.println("flagstaff demo: --watch DIR or --watch-repo URL, not both");
      System.exit(2);
    }
    Path folder = watchRepo != null ? Path.of(".") : watch != null ? watch : examples;
    if (!Files.isDirectory(folder)) {
      System.err.println("flagstaff demo: " + folder.toAbsolutePath() + " is not a folder");
      System.exit(2);
    }
    quietLogs();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    boolean passed;
    try (EmbeddedFlagstaff flagstaff = EmbeddedFlagstaff.start(environment, realApi,
        chatops ? ChatOpsRollout.policyFile() : null, out)) {
      if (watch != null) {
        Runtime.getRuntime().addShutdownHook(new Thread(flagstaff::close));
        new WatchLoop(flagstaff, watch, out).run();
        return;
      }
      if (watchRepo != null) {
        Runtime.getRuntime().addShutdownHook(new Thread(flagstaff::close));
        new GitWatch(flagstaff, watchRepo, branch, repoPath, out).run();
        return;
      }
      passed = chatops ? new ChatOpsRollout(flagstaff, examples, out).run()
          : new SeedRollout(flagstaff, examples, out).run();
      out.flush();
    }
    // Only once everything is closed: on --api real, etcd and kube-apiserver are child processes to stop first.
    System.exit(passed ? 0 : 1);
  }

  /**
   * The operator's and the endpoint's own JSON logs, and the mock server's request log, would drown the
   * walkthrough: only errors are shown, unless FLAGSTAFF_LOG_LEVEL asks for more.
   */
  private static void quietLogs() {
    java.util.logging.LogManager.getLogManager().reset();
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
    String level = System.getenv("FLAGSTAFF_LOG_LEVEL");
    ch.qos.logback.classic.Level chosen = ch.qos.logback.classic.Level.toLevel(level, ch.qos.logback.classic.Level.ERROR);
    ch.qos.logback.classic.LoggerContext context =
        (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    for (String name : new String[] {org.slf4j.Logger.ROOT_LOGGER_NAME, "dev.flagstaff", "io.fabric8", "io.javaoperatorsdk"}) {
      context.getLogger(name).setLevel(chosen);
    }
  }

  private static String value(String[] args, int i, String message) {
    if (i >= args.length) {
      System.err.println("flagstaff demo: " + message);
      System.exit(2);
    }
    return args[i];
  }

  private static void usage(PrintStream out) {
    out.println("usage: ./flagstaff demo [--api mock|real] [--examples DIR] [--environment NAME]");
    out.println("       ./flagstaff demo --chatops [--examples DIR]");
    out.println("       ./flagstaff demo [--api mock|real] --watch DIR");
    out.println("       ./flagstaff demo [--api mock|real] --watch-repo URL [--branch B] [--path P]");
    out.println("       ./flagstaff up [--environment NAME]");
    out.println("  Walks the seed rollout (default examples/seed-rollout) for the environment NAME (default");
    out.println("  production) and prints a summary table; exits 0 when every step behaved as expected.");
    out.println("  --watch DIR keeps running and applies the FeatureFlag files in DIR as they change.");
    out.println("  --watch-repo URL does the same from a Git repository, as Argo CD and Flux do: every 2 s it fetches,");
    out.println("  hard-resets to origin/B (default main) and applies the folder P (default the repository's root).");
    out.println("  --api real runs on a real kube-apiserver + etcd on loopback (testkit/kube/build.sh builds them);");
    out.println("  the default, mock, on Fabric8's embedded mock API server (Java only).");
    out.println("  --chatops walks it with the seed's own ChatOps lines, sent as signed /flagstaff slash commands to");
    out.println("  the endpoint (on the real API server): each reply, the ConfigMap entry and the Home tabs.");
    out.println("  up: the real API server, the operator, the endpoint and the Slack stub, for your own kubectl,");
    out.println("  until Ctrl-C.");
  }
}
