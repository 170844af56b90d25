package dev.flagstaff.chatops.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@code set} or {@code delete} into a {@link Plan} against the resource as it stands (its JSON), and
 * checks the result offline with the CRD's schema and CEL rules before anyone writes it. Knows nothing of where the
 * resource lives (a cluster, a file in Git) nor of who asked: the front ends and write targets do.
 */
public final class Planner {
  /** The offline admission check: the lines {@code kubectl apply} would print for an object; empty if admitted. */
  @FunctionalInterface
  public interface Admission {
    List<String> errors(JsonNode resource);
  }

  private final Admission admission;

  public Planner(Admission admission) {
    this.admission = admission;
  }

  public Plan plan(Command.Set set, ObjectNode resource) {
    ObjectNode result = resource.deepCopy();
    ObjectNode environments = result.with("spec").with("environments");
    Map<String, ObjectNode> entries = new LinkedHashMap<>();
    for (String environment : set.environments()) {
      entries.put(environment, EnvironmentEntries.apply(set, environments.get(environment)));
      environments.set(environment, entries.get(environment));
    }
    return checked(set, resource, result, entries, Set.of(), false);
  }

  public Plan plan(Command.Delete delete, ObjectNode resource) {
    JsonNode listed = resource.path("spec").path("environments");
    Set<String> present = new LinkedHashSet<>();
    listed.fieldNames().forEachRemaining(present::add);
    List<String> missing = delete.environments().stream().filter(e -> !present.contains(e)).toList();
    if (!missing.isEmpty()) {
      String instead = present.stream().filter(delete.environments()::contains).map(e -> " --" + e)
          .reduce("", String::concat);
      return new Plan.Refused(Refusal.of(delete.flag() + " lists no " + String.join(", ", missing)
              + " environment (it lists " + (present.isEmpty() ? "none" : String.join(", ", present))
              + "): nothing to delete there, and nothing was changed.",
          instead.isEmpty() ? "get " + delete.flag() : "delete " + delete.flag() + instead));
    }
    ObjectNode result = resource.deepCopy();
    boolean everyEnvironment = delete.environments().containsAll(present);
    ObjectNode environments = result.with("spec").with("environments");
    delete.environments().forEach(environments::remove);
    return checked(delete, resource, result, Map.of(), new LinkedHashSet<>(delete.environments()), everyEnvironment);
  }

  private Plan checked(Command command, ObjectNode before, ObjectNode after, Map<String, ObjectNode> entries,
      Set<String> removed, boolean deleteResource) {
    String flag = flagOf(command);
    boolean defaultEnabled = before.path("spec").path("defaultEnabled").asBoolean(false);
    List<Plan.Transition> transitions = new ArrayList<>();
    List<String> named = command instanceof Command.Set s ? s.environments() : ((Command.Delete) command).environments();
    for (String environment : named) {
      transitions.add(new Plan.Transition(environment,
          EnvironmentEntries.words(before.path("spec").path("environments").get(environment), defaultEnabled),
          deleteResource ? "deleted" : EnvironmentEntries.words(after.path("spec").path("environments").get(environment),
              defaultEnabled)));
    }
    if (!deleteResource) {
      List<String> errors = admission.errors(after);
      if (!errors.isEmpty()) {
        return new Plan.Refused(Refusals.explain(command, flag, after, errors));
      }
    }
    return new Plan.Change(command, before.path("metadata").path("name").asText(), entries, removed, deleteResource,
        transitions, after);
  }

  static String flagOf(Command command) {
    if (command instanceof Command.Set set) {
      return set.flag();
    }
    if (command instanceof Command.Delete delete) {
      return delete.flag();
    }
    if (command instanceof Command.Get get) {
      return get.flag();
    }
    return "";
  }
}
