package dev.flagstaff.chatops.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.flags.FlagState;
import dev.flagstaff.flags.StateWords;
import dev.flagstaff.flags.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** A {@code set} applied to one {@code spec.environments.<env>} entry, and an entry in words. */
final class EnvironmentEntries {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** The order fields are written in; fields not listed (requires, rollout) keep their place after these. */
  private static final List<String> ORDER = List.of("enabled", "percentage", "strategy", "actors");

  private EnvironmentEntries() {}

  /**
   * As ChatOps means it: {@code true} is fully on (the percentage goes), {@code false} is off (percentage and
   * actors go: Flipper's disable clears every gate), a percentage sets itself and its strategy. With actors,
   * {@code true} adds them (an environment that was off becomes on for them only: 0% of actors) and {@code false}
   * removes them.
   */
  static ObjectNode apply(Command.Set set, JsonNode current) {
    ObjectNode entry = current != null && current.isObject() ? ((ObjectNode) current).deepCopy() : JSON.objectNode();
    boolean wasOn = entry.path("enabled").asBoolean(false);
    if (!set.actors().isEmpty()) {
      LinkedHashSet<String> actors = new LinkedHashSet<>();
      entry.path("actors").forEach(a -> actors.add(a.asText()));
      if (set.value() instanceof Command.Off) {
        set.actors().forEach(actors::remove);
      } else {
        actors.addAll(set.actors());
        if (!wasOn) {
          entry.put("enabled", true).put("percentage", 0).put("strategy", Strategy.ACTORS.wireName());
        }
      }
      entry.remove("actors");
      if (!actors.isEmpty()) {
        ArrayNode list = entry.putArray("actors");
        actors.forEach(list::add);
      }
      if (!entry.has("enabled")) {
        entry.put("enabled", false);
      }
      return ordered(entry);
    }
    if (set.value() instanceof Command.On) {
      entry.put("enabled", true);
      entry.remove(List.of("percentage", "strategy"));
    } else if (set.value() instanceof Command.Off) {
      entry.put("enabled", false);
      entry.remove(List.of("percentage", "strategy", "actors"));
    } else if (set.value() instanceof Command.Percent percent) {
      {
        entry.put("enabled", true);
        double p = percent.percentage();
        if (p == Math.rint(p) && Math.abs(p) < Integer.MAX_VALUE) {
          entry.put("percentage", (int) p);
        } else {
          entry.put("percentage", p);
        }
        entry.put("strategy", percent.strategy().wireName());
      }
    }
    return ordered(entry);
  }

  private static ObjectNode ordered(ObjectNode entry) {
    ObjectNode out = JSON.objectNode();
    ORDER.forEach(field -> {
      if (entry.has(field)) {
        out.set(field, entry.get(field));
      }
    });
    entry.fields().forEachRemaining(f -> {
      if (!out.has(f.getKey())) {
        out.set(f.getKey(), f.getValue());
      }
    });
    return out;
  }

  /** An entry in the words of the State column; an environment the resource does not list gets the default. */
  static String words(JsonNode entry, boolean defaultEnabled) {
    if (entry == null || !entry.isObject()) {
      return "unset (default " + (defaultEnabled ? "Enabled" : "Disabled") + ")";
    }
    if (entry.has("rollout") && entry.path("enabled").asBoolean(false)) {
      return "rollout";
    }
    List<String> actors = new ArrayList<>();
    entry.path("actors").forEach(a -> actors.add(a.asText()));
    Strategy strategy = "actors".equals(entry.path("strategy").asText()) ? Strategy.ACTORS
        : "random".equals(entry.path("strategy").asText()) ? Strategy.RANDOM : null;
    Double percentage = entry.has("percentage") ? entry.get("percentage").asDouble() : null;
    try {
      return StateWords.of(FlagState.of(entry.path("enabled").asBoolean(false), percentage, strategy, actors, 0));
    } catch (IllegalArgumentException invalid) {
      return entry.toString();
    }
  }
}
