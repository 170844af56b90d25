package dev.flagstaff.chatops.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a {@code set} or {@code delete} comes to, against the resource as it stands: a change, or a refusal. */
public sealed interface Plan {
  /** Not carried out: nothing is written. */
  record Refused(Refusal refusal) implements Plan {}

  /**
   * A change that passed the offline admission check. It names only the environments the command named:
   * {@code entries} are their whole new entries, {@code removed} the entries that go, and {@code deleteResource}
   * says the resource itself goes (a {@code delete} naming every environment it lists). {@code result} is the
   * resource as it will read afterwards. A change is a plain value: it can be held (for an approval) and carried
   * out later, after {@link Planner#plan} is asked again against the resource as it stands then.
   */
  record Change(Command command, String name, Map<String, ObjectNode> entries, Set<String> removed,
      boolean deleteResource, List<Transition> transitions, ObjectNode result) implements Plan {
    public Change {
      entries = Map.copyOf(entries);
      removed = Set.copyOf(removed);
      transitions = List.copyOf(transitions);
    }

    /** True when carrying it out would leave every environment as it is. */
    public boolean isNoOp() {
      return !deleteResource && transitions.stream().allMatch(t -> t.before().equals(t.after()));
    }
  }

  /** An environment entry in the words of the State column; an entry the resource lacks gets the default. */
  public static String words(com.fasterxml.jackson.databind.JsonNode entry, boolean defaultEnabled) {
    return EnvironmentEntries.words(entry, defaultEnabled);
  }

  /** One environment's state in words, before and after, e.g. {@code production: Disabled → 10% of time}. */
  record Transition(String environment, String before, String after) {
    @Override
    public String toString() {
      return environment + ": " + before + " → " + after;
    }
  }
}
