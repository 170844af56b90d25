package dev.flagstaff.endpoint.chatops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstaff.runtime.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Who may change which environment from Slack, and from where (FLAGSTAFF_CHATOPS_POLICY):
 * <pre>
 * environments:
 *   dev:        {users: [U111], userGroups: [S111]}
 *   production: {users: [U222], userGroups: [], channels: [C0PRODUCTION]}
 * "*": {users: [...]}   # optional: the rule for environments not listed
 * </pre>
 * An environment without a rule is refused to everyone; one with {@code channels} is changed only from those
 * channel ids. Plain values: knows nothing of Slack's API (group members are asked through a function).
 */
public final class Policy {
  /** One environment's rule. */
  public record Rule(Set<String> users, Set<String> userGroups, Set<String> channels) {
    public Rule {
      users = Set.copyOf(users);
      userGroups = Set.copyOf(userGroups);
      channels = Set.copyOf(channels);
    }
  }

  private final Map<String, Rule> environments;
  private final Rule fallback;

  public Policy(Map<String, Rule> environments, Rule fallback) {
    this.environments = Map.copyOf(environments);
    this.fallback = fallback;
  }

  /** The policy file, checked: a mistake stops the endpoint at start-up with the line to fix. */
  public static Policy load(Path file) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_POLICY: cannot read " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_POLICY: " + file + " must be a map with 'environments'");
    }
    root.fieldNames().forEachRemaining(name -> {
      if (!name.equals("environments") && !name.equals("*")) {
        throw new ConfigException("FLAGSTAFF_CHATOPS_POLICY: unknown key '" + name + "' in " + file
            + " (the keys are environments and \"*\")");
      }
    });
    Map<String, Rule> rules = new LinkedHashMap<>();
    root.path("environments").fields().forEachRemaining(e -> rules.put(e.getKey(),
        rule(file, "environments." + e.getKey(), e.getValue())));
    Rule fallback = root.has("*") ? rule(file, "\"*\"", root.get("*")) : null;
    return new Policy(rules, fallback);
  }

  private static Rule rule(Path file, String where, JsonNode node) {
    if (!node.isObject()) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_POLICY: " + where + " in " + file
          + " must be a map of users, userGroups and channels");
    }
    node.fieldNames().forEachRemaining(name -> {
      if (!List.of("users", "userGroups", "channels").contains(name)) {
        throw new ConfigException("FLAGSTAFF_CHATOPS_POLICY: unknown key '" + name + "' in " + where + " of " + file
            + " (the keys are users, userGroups and channels)");
      }
    });
    return new Rule(ids(file, where + ".users", node.path("users")),
        ids(file, where + ".userGroups", node.path("userGroups")), ids(file, where + ".channels", node.path("channels")));
  }

  private static Set<String> ids(Path file, String where, JsonNode list) {
    if (list.isMissingNode() || list.isNull()) {
      return Set.of();
    }
    if (!list.isArray()) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_POLICY: " + where + " in " + file + " must be a list of ids");
    }
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    list.forEach(id -> {
      if (!id.isTextual() || id.asText().isBlank()) {
        throw new ConfigException("FLAGSTAFF_CHATOPS_POLICY: " + where + " in " + file + " holds a value that is "
            + "not an id: " + id);
      }
      ids.add(id.asText());
    });
    return ids;
  }

  public Optional<Rule> rule(String environment) {
    return Optional.ofNullable(environments.getOrDefault(environment, fallback));
  }

  /**
   * Why {@code user}, in {@code channel}, may not change {@code environment}; empty when allowed.
   *
   * @param groupMembers the members of a user group (asked only when the user is not listed by id)
   */
  public Optional<String> refusal(String environment, String user, String channel,
      Function<String, Set<String>> groupMembers) {
    Optional<Rule> found = rule(environment);
    if (found.isEmpty()) {
      return Optional.of("no one may change " + environment + " from Slack (the ChatOps policy has no rule for it)");
    }
    Rule rule = found.get();
    boolean listed = rule.users().contains(user)
        || rule.userGroups().stream().anyMatch(group -> groupMembers.apply(group).contains(user));
    if (!listed) {
      return Optional.of("you (" + user + ") are not among the users or user groups allowed to change "
          + environment);
    }
    if (!rule.channels().isEmpty() && !rule.channels().contains(channel)) {
      return Optional.of(environment + " is changed only from " + channels(rule.channels())
          + ", not from this channel (" + channel + ")");
    }
    return Optional.empty();
  }

  private static String channels(Set<String> channels) {
    return String.join(", ", channels.stream().sorted().map(c -> "<#" + c + ">").toList());
  }
}
