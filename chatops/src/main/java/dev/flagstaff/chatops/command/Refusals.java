package dev.flagstaff.chatops.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** A change the offline admission check refused, in words, with what to type instead. */
final class Refusals {
  private Refusals() {}

  static Refusal explain(Command command, String flag, JsonNode result, List<String> errors) {
    String said = "\nThe API server would refuse it:\n  " + String.join("\n  ", errors) + "\nNothing was changed.";
    Refusal consistency = consistency(command, flag, result, said);
    if (consistency != null) {
      return consistency;
    }
    String all = String.join("\n", errors);
    if (all.contains("actorType none")) {
      return Refusal.of(flag + " takes no actor (actorType: none): it cannot be rolled out to actors." + said,
          "set " + flag + " 10 --random" + environmentOptions(command), "set " + flag + " true" + environmentOptions(command));
    }
    if (all.contains("percentage in body should be")) {
      return Refusal.of("A percentage is between 0 and 100." + said,
          "set " + flag + " true" + environmentOptions(command), "set " + flag + " 50 --random" + environmentOptions(command));
    }
    if (all.contains("a rollout sets the percentage")) {
      return Refusal.of(flag + " has a progressive rollout there, which moves the percentage itself." + said,
          "set " + flag + " true" + environmentOptions(command), "set " + flag + " false" + environmentOptions(command));
    }
    return Refusal.of("This change would make " + flag + " invalid." + said, "get " + flag);
  }

  /**
   * GitLab ChatOps' consistency check: an environment that {@code requires} another is enabled while that one is
   * disabled. Either the command enabled the requiring one (enable the required one first) or it disabled the
   * required one (disable the requiring one first).
   */
  private static Refusal consistency(Command command, String flag, JsonNode result, String said) {
    JsonNode environments = result.path("spec").path("environments");
    List<String> named = command instanceof Command.Set s ? s.environments() : List.of();
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) environments::fields) {
      String requiring = e.getKey();
      String required = e.getValue().path("requires").asText("");
      JsonNode requiredEntry = environments.path(required);
      if (!e.getValue().path("enabled").asBoolean(false) || required.isEmpty() || !requiredEntry.isObject()
          || requiredEntry.path("enabled").asBoolean(false)) {
        continue;
      }
      if (named.contains(requiring)) {
        return Refusal.of(requiring + " requires " + required + ", and " + required + " is disabled: enable "
            + required + " first (GitLab ChatOps' consistency check)." + said,
            "set " + flag + " true --" + required, command.text());
      }
      return Refusal.of(requiring + " requires " + required + ", and " + requiring + " is enabled: disable "
          + requiring + " first (GitLab ChatOps' consistency check)." + said,
          "set " + flag + " false --" + requiring, command.text());
    }
    return null;
  }

  private static String environmentOptions(Command command) {
    List<String> environments = command instanceof Command.Set s ? s.environments() : List.of();
    if (environments.equals(List.of(Command.DEFAULT_ENVIRONMENT))) {
      return "";
    }
    return environments.stream().map(e -> " --" + e).reduce("", String::concat);
  }
}
