package dev.flagstaff.chatops.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.CommandParser;
import dev.flagstaff.chatops.command.GitOps;
import dev.flagstaff.chatops.command.Plan;
import dev.flagstaff.chatops.command.Planner;
import dev.flagstaff.chatops.command.Refusal;
import dev.flagstaff.chatops.command.UsageException;
import dev.flagstaff.chatops.file.ManifestFile;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kubectl flagstaff}: GitLab ChatOps' feature commands against the current kubeconfig context and namespace,
 * or, with {@code --file}, on a manifest in a Git working copy. Exit codes: 0 done, 1 refused, 2 usage.
 */
@CommandLine.Command(name = "kubectl flagstaff", mixinStandardHelpOptions = true, version = "kubectl-flagstaff 0.1.0",
    description = {"GitLab ChatOps' feature commands on FeatureFlag resources.", "",
        "  get <flag>", "  list [--match TEXT]",
        "  set <flag> <true|false|PERCENT> [--actors|--random] [--user=..|--project=..|--group=..|--actor=..]",
        "  delete <flag>", "",
        "each with --dev --staging --staging-ref --production or --<any environment>; none means production.",
        "A line pasted from a GitLab rollout issue works as it is, with or without '/chatops run'.",
        "In the terminal --namespace is kubectl's: name a Namespace actor as --actor=Namespace:PATH.", ""},
    footer = {"", "Exit codes: 0 done, 1 refused (nothing was changed), 2 usage."},
    exitCodeOnInvalidInput = 2, exitCodeOnExecutionException = 1)
public final class KubectlFlagstaff implements Callable<Integer> {
  /** How users of this front end type a command, for "type instead" lines. */
  static final String PREFIX = "kubectl flagstaff ";

  /** Builds the client for a kubeconfig file (null: kubectl's default) and context (null: current). */
  @FunctionalInterface
  public interface Clients {
    KubernetesClient connect(Path kubeconfig, String context);
  }

  @Option(names = "--context", description = "The kubeconfig context to use (default: the current one).")
  String context;
  @Option(names = "--kubeconfig", description = "The kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;
  @Option(names = {"-n", "--namespace"}, description = "The namespace (default: the context's).")
  String namespace;
  @Option(names = {"-o", "--output"}, description = "json or yaml: print the resource(s) instead of tables.")
  String output;
  @Option(names = "--file", description = "Edit this manifest in place (comments and key order kept) instead of the cluster.")
  Path file;
  @Option(names = "--git", description = "With --file PATH (inside the repository): commit the edit to this Git "
      + "repository's branch and push it (fetch and retry when someone pushed meanwhile). HTTPS credentials from "
      + "FLAGSTAFF_GIT_USERNAME and FLAGSTAFF_GIT_TOKEN.")
  String git;
  @Option(names = "--branch", defaultValue = "main", description = "The branch --git commits to (default: main).")
  String branch;
  @Option(names = "--author", description = "The commit's author, 'Name <email>' (default: your user name).")
  String author;
  @Option(names = "--dry-run", description = "Change nothing; say (and with --file, show the diff of) what would change.")
  boolean dryRun;
  @Parameters(arity = "0..*", paramLabel = "WORDS", description = "The feature command.")
  List<String> words = List.of();

  private final Clients clients;
  /** Runs between reading the resource and writing the change: a test's place for a concurrent kubectl. */
  Runnable beforeWrite = () -> { };
  private PrintWriter out;
  private PrintWriter err;

  public KubectlFlagstaff(Clients clients) {
    this.clients = clients;
  }

  public static void main(String[] args) {
    System.exit(run(new KubectlFlagstaff(KubeClients::connect), args, new PrintWriter(System.out, true),
        new PrintWriter(System.err, true)));
  }

  /** Runs one invocation and returns its exit code. */
  public static int run(KubectlFlagstaff plugin, String[] args, PrintWriter out, PrintWriter err) {
    plugin.out = out;
    plugin.err = err;
    CommandLine line = new CommandLine(plugin).setUnmatchedOptionsArePositionalParams(true).setOut(out).setErr(err);
    int code = line.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    Command command;
    try {
      command = CommandParser.parse(String.join(" ", words));
    } catch (UsageException e) {
      err.println(e.refusal().render(PREFIX));
      return 2;
    }
    if (output != null && !output.equals("json") && !output.equals("yaml")) {
      err.println(Refusal.of("-o takes json or yaml, not '" + output + "'.", command.text() + " -o yaml").render(PREFIX));
      return 2;
    }
    Planner planner = new Planner(CrdAdmission.featureFlags()::errors);
    if (git != null) {
      if (file == null) {
        err.println(Refusal.of("--git needs --file: the manifest's path inside the repository.",
            command.text() + " --git " + GitCommand.shown(git) + " --file flags/<flag>.yaml").render(PREFIX));
        return 2;
      }
      return new GitCommand(out, err, PREFIX).run(command, planner, git, branch, file.toString(), author, dryRun);
    }
    if (file != null) {
      return new ManifestFile(file, out, err, PREFIX).run(command, planner, dryRun);
    }
    String apiServer = "the API server";
    try (KubernetesClient client = clients.connect(kubeconfig, context)) {
      apiServer = String.valueOf(client.getMasterUrl());
      String ns = namespace != null ? namespace : Optional.ofNullable(client.getNamespace()).orElse("default");
      return onCluster(command, planner, new ClusterFlags(client, ns));
    } catch (KubernetesClientException e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      String said = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
          : "cannot talk to " + apiServer + (cause == e ? ": " + e.getMessage() : ": " + cause);
      err.println("error: " + said + seeNow(command));
      return 1;
    } catch (java.io.UncheckedIOException e) {
      err.println("error: " + e.getMessage() + ": " + e.getCause().getMessage() + "\nNothing was changed.");
      return 1;
    }
  }

  /** After a failed call, where to look: a write may have landed before a later step failed. */
  private static String seeNow(Command command) {
    String flag = command instanceof Command.Set set ? set.flag()
        : command instanceof Command.Delete delete ? delete.flag() : null;
    return flag == null ? "" : "\nSee the flag as it stands: " + PREFIX + "get " + flag;
  }

  private int onCluster(Command command, Planner planner, ClusterFlags flags) {
    if (command instanceof Command.ListFlags list) {
      List<ObjectNode> found = flags.list().stream().filter(f -> ClusterFlags.keyOf(f).contains(list.match())
          || f.path("metadata").path("name").asText().contains(list.match())).toList();
      if (output != null) {
        ObjectNode items = Serialization.jsonMapper().createObjectNode().put("apiVersion", "v1").put("kind", "List");
        items.putArray("items").addAll(found);
        print(items);
      } else if (found.isEmpty()) {
        out.println("No FeatureFlags" + (list.match().isEmpty() ? "" : " matching '" + list.match() + "'")
            + " in namespace " + flags.namespace() + ".");
      } else {
        out.print(FlagTables.list(found));
      }
      return 0;
    }
    String flag = command instanceof Command.Get get ? get.flag()
        : command instanceof Command.Set set ? set.flag() : ((Command.Delete) command).flag();
    Optional<ObjectNode> found = flags.find(flag);
    if (found.isEmpty()) {
      err.println(Refusal.of("No FeatureFlag with key or name '" + flag + "' in namespace " + flags.namespace()
          + ". Nothing was changed.", "list", "-n <namespace> " + command.text()).render(PREFIX));
      return 1;
    }
    if (command instanceof Command.Get) {
      if (output != null) {
        print(found.get());
      } else {
        out.print(FlagTables.get(found.get()));
      }
      return 0;
    }
    String name = found.get().path("metadata").path("name").asText();
    Optional<String> gitOps = GitOps.managedBy(found.get());
    if (gitOps.isPresent()) {
      err.println(GitOps.refusal(command, name, gitOps.get()).render(PREFIX));
      return 1;
    }
    ClusterFlags.Outcome outcome = dryRun
        ? new ClusterFlags.Outcome(plan(command, planner, ClusterFlags.manifest(found.get())), found.get())
        : flags.carryOut(name, manifest -> plan(command, planner, manifest), beforeWrite);
    if (outcome.plan() instanceof Plan.Refused refused) {
      err.println(refused.refusal().render(PREFIX));
      return 1;
    }
    Plan.Change change = (Plan.Change) outcome.plan();
    String what = "featureflag.flagstaff.dev/" + name;
    if (output != null && outcome.written() != null && !dryRun) {
      print(outcome.written());
      return 0;
    }
    out.println(what + (change.isNoOp() ? " unchanged" : change.deleteResource() ? " deleted" : " configured")
        + (dryRun && !change.isNoOp() ? " (dry run)" : ""));
    change.transitions().forEach(t -> out.println("  " + t));
    return 0;
  }

  private static Plan plan(Command command, Planner planner, ObjectNode manifest) {
    return command instanceof Command.Set set ? planner.plan(set, manifest) : planner.plan((Command.Delete) command, manifest);
  }

  private void print(JsonNode node) {
    Object value = Serialization.jsonMapper().convertValue(node, Map.class);
    try {
      out.print(output.equals("json")
          ? Serialization.jsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n"
          : Serialization.asYaml(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
