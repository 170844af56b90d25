package dev.flagstaff.endpoint.chatops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.GitOps;
import dev.flagstaff.chatops.command.Plan;
import dev.flagstaff.chatops.command.Planner;
import dev.flagstaff.chatops.command.Refusal;
import dev.flagstaff.chatops.kubectl.ClusterFlags;
import dev.flagstaff.chatops.kubectl.FlagTables;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code kubernetes} target: every copy of the flag in the configured namespaces, planned first (all or none),
 * then changed with server-side apply under field manager {@value #FIELD_MANAGER} (only the named entries, and the
 * annotation {@value ChangeRecord#ANNOTATION} saying who), a Normal Event each, and the operators' status awaited.
 * A copy a GitOps tool manages refuses the whole change, with the lines to change in Git instead.
 */
public final class KubernetesTarget implements WriteTarget {
  public static final String FIELD_MANAGER = "flagstaff-chatops";
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private final KubernetesClient client;
  private final List<String> namespaces;
  private final Planner planner;
  private final Duration wait;
  private final String gitPath;
  private final Clock clock;

  public KubernetesTarget(KubernetesClient client, List<String> namespaces, Planner planner, Duration wait,
      String gitPath, Clock clock) {
    this.client = client;
    this.namespaces = List.copyOf(namespaces);
    this.planner = planner;
    this.wait = wait;
    this.gitPath = gitPath;
    this.clock = clock;
  }

  private ClusterFlags flags(String namespace) {
    return new ClusterFlags(client, namespace, FIELD_MANAGER);
  }

  /** {@code get} and {@code list}, answered from the cluster in the plugin's tables, one per namespace. */
  public String read(Command command) {
    StringBuilder out = new StringBuilder();
    for (String namespace : namespaces) {
      String title = namespaces.size() > 1 ? "namespace " + namespace + ":\n" : "";
      if (command instanceof Command.Get get) {
        flags(namespace).find(get.flag()).ifPresent(f -> out.append(title).append(FlagTables.get(f)).append('\n'));
      } else if (command instanceof Command.ListFlags list) {
        List<ObjectNode> found = flags(namespace).list().stream()
            .filter(f -> ClusterFlags.keyOf(f).contains(list.match())
                || f.path("metadata").path("name").asText().contains(list.match())).toList();
        if (!found.isEmpty()) {
          out.append(title).append(FlagTables.list(found)).append('\n');
        }
      }
    }
    return out.toString().strip();
  }

  @Override
  public Outcome change(Command command, Requester who) {
    String flag = command instanceof Command.Set set ? set.flag() : ((Command.Delete) command).flag();
    Map<String, ObjectNode> copies = new LinkedHashMap<>();
    for (String namespace : namespaces) {
      flags(namespace).find(flag).ifPresent(found -> copies.put(namespace, found));
    }
    if (copies.isEmpty()) {
      return new Outcome.Refused(Refusal.of("No FeatureFlag with key or name '" + flag + "' in namespace"
          + (namespaces.size() > 1 ? "s " : " ") + String.join(", ", namespaces) + ". Nothing was changed.", "list"));
    }
    for (Map.Entry<String, ObjectNode> copy : copies.entrySet()) {
      Plan plan = plan(command, ClusterFlags.manifest(copy.getValue()));
      if (plan instanceof Plan.Refused refused) {
        return new Outcome.Refused(refused.refusal());
      }
      Optional<String> gitOps = GitOps.managedBy(copy.getValue());
      if (gitOps.isPresent()) {
        return new Outcome.Refused(GitLines.refusal(command, copy.getValue(), gitOps.get(), (Plan.Change) plan,
            gitPath));
      }
    }
    Map<String, String> annotations = Map.of(ChangeRecord.ANNOTATION, ChangeRecord.annotation(who, command, clock));
    List<String> summary = new ArrayList<>();
    List<Outcome.Row> rows = new ArrayList<>();
    String owners = null;
    for (Map.Entry<String, ObjectNode> copy : copies.entrySet()) {
      String namespace = copy.getKey();
      String name = copy.getValue().path("metadata").path("name").asText();
      owners = owners != null ? owners : text(copy.getValue().path("spec").path("owners").path("slackChannel"));
      ClusterFlags.Outcome outcome = flags(namespace).carryOut(name, m -> plan(command, m), () -> { }, annotations);
      if (outcome.plan() instanceof Plan.Refused refused) {
        String written = rows.isEmpty() ? "Nothing was changed."
            : "Already changed in: " + String.join(", ", rows.stream().map(Outcome.Row::where).toList()) + ".";
        return new Outcome.Refused(new Refusal(refused.refusal().reason() + "\n(" + namespace + " changed meanwhile. "
            + written + ")", refused.refusal().suggestions()));
      }
      Plan.Change change = (Plan.Change) outcome.plan();
      if (summary.isEmpty()) {
        change.transitions().forEach(t -> summary.add(t.toString()));
      }
      if (!change.isNoOp()) {
        ChangeRecord.event(client, namespace, copy.getValue(), who, change, clock);
      }
      rows.add(change.deleteResource() ? awaitDeleted(namespace, name) : awaitStatus(namespace, name, outcome.written()));
    }
    return new Outcome.Done(flag, summary, rows, "", owners);
  }

  private Plan plan(Command command, ObjectNode manifest) {
    return command instanceof Command.Set set ? planner.plan(set, manifest)
        : planner.plan((Command.Delete) command, manifest);
  }

  /** Waits (watching, up to the bound) until the operator reports the written generation Ready, and Propagated. */
  private Outcome.Row awaitStatus(String namespace, String name, JsonNode written) {
    long generation = written.path("metadata").path("generation").asLong();
    JsonNode seen = written;
    try {
      seen = JSON.valueToTree(client.genericKubernetesResources(ClusterStatus.API_VERSION, "FeatureFlag")
          .inNamespace(namespace).withName(name)
          .waitUntilCondition(r -> r != null && ClusterStatus.landed(JSON.valueToTree(r), generation),
              wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    } catch (io.fabric8.kubernetes.client.KubernetesClientTimeoutException e) {
      seen = JSON.valueToTree(client.genericKubernetesResources(ClusterStatus.API_VERSION, "FeatureFlag")
          .inNamespace(namespace).withName(name).get());
    }
    return ClusterStatus.row(namespace, seen, generation);
  }

  private Outcome.Row awaitDeleted(String namespace, String name) {
    try {
      client.genericKubernetesResources(ClusterStatus.API_VERSION, "FeatureFlag").inNamespace(namespace)
          .withName(name).waitUntilCondition(java.util.Objects::isNull, wait.toMillis(),
              java.util.concurrent.TimeUnit.MILLISECONDS);
      return new Outcome.Row(namespace, "-", "deleted", "-", "-");
    } catch (io.fabric8.kubernetes.client.KubernetesClientTimeoutException e) {
      return new Outcome.Row(namespace, "-", "deleting", "-", "-");
    }
  }

  private static String text(JsonNode node) {
    return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
  }
}
