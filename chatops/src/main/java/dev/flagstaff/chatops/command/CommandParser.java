package dev.flagstaff.chatops.command;

import dev.flagstaff.flags.Strategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The grammar of GitLab ChatOps' {@code feature} command. A line pasted from a GitLab rollout issue parses as it
 * is, with or without its leading {@code /chatops run} and {@code feature}:
 * <pre>
 * get &lt;flag&gt;
 * list [--match TEXT]
 * set &lt;flag&gt; &lt;true|false|PERCENT&gt; [--actors|--random] [--user=..|--project=..|--group=..|--namespace=..|--actor=..]
 * delete &lt;flag&gt;
 * </pre>
 * each with environment options {@code --dev --staging --staging-ref --production} or {@code --<any environment>};
 * none means production. Actor options name Flipper ids: {@code --user=42} is {@code User:42}, {@code --actor=X}
 * is {@code X} as given.
 */
public final class CommandParser {
  private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");
  private static final Map<String, String> ACTOR_OPTIONS = Map.of(
      "user", "User:", "project", "Project:", "group", "Group:", "namespace", "Namespace:", "actor", "");
  private static final String[] EXAMPLES = {
      "get <flag>", "list --match <text>", "set <flag> true --staging", "set <flag> 10 --random",
      "set <flag> false", "delete <flag> --dev --staging --staging-ref --production"};

  private CommandParser() {}

  public static Command parse(String line) throws UsageException {
    List<String> words = new ArrayList<>(Arrays.asList(strip(line).split("\\s+")));
    words.removeIf(String::isEmpty);
    dropLeading(words, "/chatops");
    dropLeading(words, "run");
    dropLeading(words, "/flagstaff");
    dropLeading(words, "feature");
    if (words.isEmpty()) {
      throw usage("Say which feature command to run.", EXAMPLES);
    }
    String verb = words.remove(0);
    Options options = Options.read(words);
    return switch (verb) {
      case "get" -> get(options);
      case "list" -> list(options);
      case "set" -> set(options);
      case "delete" -> delete(options);
      default -> throw usage("Unknown command '" + verb + "': the commands are get, list, set and delete.", EXAMPLES);
    };
  }

  private static Command get(Options options) throws UsageException {
    String flag = options.flag("get <flag>");
    options.noValue("get " + flag);
    options.noEnvironments("get " + flag, "get shows every environment");
    options.noStrategyOrActors("get " + flag);
    return new Command.Get(flag);
  }

  private static Command list(Options options) throws UsageException {
    if (!options.positional.isEmpty()) {
      throw usage("list takes no flag name: '" + options.positional.get(0) + "'.", "list --match "
          + options.positional.get(0), "get " + options.positional.get(0));
    }
    options.noEnvironments("list", "list shows every environment");
    options.noStrategyOrActors("list");
    return new Command.ListFlags(options.match == null ? "" : options.match);
  }

  private static Command set(Options options) throws UsageException {
    String flag = options.flag("set <flag> true");
    if (options.positional.size() < 2) {
      throw usage("set needs a value after the flag: true, false or a percentage.",
          "set " + flag + " true", "set " + flag + " false", "set " + flag + " 10 --random");
    }
    if (options.positional.size() > 2) {
      throw usage("set takes one value; '" + options.positional.get(2) + "' is extra.",
          "set " + flag + " " + options.positional.get(1) + options.environmentOptions());
    }
    String raw = options.positional.get(1).toLowerCase(Locale.ROOT);
    String envs = options.environmentOptions();
    Command.Value value;
    if (raw.equals("true") || raw.equals("false")) {
      if (options.strategy != null) {
        throw usage("--" + options.strategy.wireName() + " goes with a percentage, not with " + raw + ".",
            "set " + flag + " " + raw + envs, "set " + flag + " 10 --" + options.strategy.wireName() + envs);
      }
      value = raw.equals("true") ? new Command.On() : new Command.Off();
    } else if (NUMBER.matcher(raw.endsWith("%") ? raw.substring(0, raw.length() - 1) : raw).matches()) {
      String number = raw.endsWith("%") ? raw.substring(0, raw.length() - 1) : raw;
      if (options.strategy == null || raw.endsWith("%")) {
        throw usage("A percentage needs a strategy: --random (a share of the time) or --actors (a share of actors).",
            "set " + flag + " " + number + " --random" + envs, "set " + flag + " " + number + " --actors" + envs);
      }
      if (!options.actors.isEmpty()) {
        throw usage("Actors are turned on or off with true or false, not with a percentage.",
            "set " + flag + " " + number + " --" + options.strategy.wireName() + envs,
            "set " + flag + " true --actor=" + options.actors.get(0) + envs);
      }
      value = new Command.Percent(Double.parseDouble(number), options.strategy);
    } else {
      throw usage("'" + options.positional.get(1) + "' is not a value: give true, false or a percentage (0-100).",
          "set " + flag + " true" + envs, "set " + flag + " 10 --random" + envs);
    }
    return new Command.Set(flag, value, options.actors, options.environments());
  }

  private static Command delete(Options options) throws UsageException {
    String flag = options.flag("delete <flag>");
    options.noValue("delete " + flag + options.environmentOptions());
    options.noStrategyOrActors("delete " + flag + options.environmentOptions());
    return new Command.Delete(flag, options.environments());
  }

  static UsageException usage(String reason, String... suggestions) {
    return new UsageException(Refusal.of(reason, suggestions));
  }

  /** A pasted line may come in backticks or quotes, or with a trailing newline. */
  private static String strip(String line) {
    String text = line == null ? "" : line.strip();
    while (text.length() > 1 && "`'\"".indexOf(text.charAt(0)) >= 0 && text.charAt(text.length() - 1) == text.charAt(0)) {
      text = text.substring(1, text.length() - 1).strip();
    }
    return text;
  }

  private static void dropLeading(List<String> words, String word) {
    if (!words.isEmpty() && words.get(0).equals(word)) {
      words.remove(0);
    }
  }

  /** The options and positional words of one command, in the order typed. */
  private static final class Options {
    final List<String> positional = new ArrayList<>();
    final List<String> environments = new ArrayList<>();
    final List<String> actors = new ArrayList<>();
    Strategy strategy;
    String match;

    static Options read(List<String> words) throws UsageException {
      Options options = new Options();
      for (int i = 0; i < words.size(); i++) {
        String word = words.get(i);
        if (!word.startsWith("--")) {
          options.positional.add(word);
          continue;
        }
        String name = word.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (name.equals("match")) {
          if (value == null && i + 1 < words.size()) {
            value = words.get(++i);
          }
          if (value == null || value.isEmpty()) {
            throw usage("--match needs a text.", "list --match app_home");
          }
          options.match = value;
        } else if (ACTOR_OPTIONS.containsKey(name)) {
          if (value == null || value.isEmpty()) {
            throw usage("--" + name + " needs a value, written --" + name + "=VALUE.", "set <flag> true --" + name + "=42");
          }
          options.actors.add(ACTOR_OPTIONS.get(name) + value);
        } else if (name.equals("actors") || name.equals("random")) {
          Strategy strategy = Strategy.fromWireName(name);
          if (options.strategy != null && options.strategy != strategy) {
            throw usage("Give one of --actors and --random, not both.", "set <flag> 10 --random", "set <flag> 10 --actors");
          }
          options.strategy = strategy;
        } else if (value != null) {
          throw usage("Unknown option --" + name + "=" + value + ".", "set <flag> true --actor=" + value);
        } else if (!ENVIRONMENT.matcher(name).matches() || name.length() > 63) {
          throw usage("'" + word + "' is not an environment: environment names are lower case letters, digits and -.",
              "set <flag> true --" + name.toLowerCase(Locale.ROOT).replaceAll("[^-a-z0-9]", "-"));
        } else if (!options.environments.contains(name)) {
          options.environments.add(name);
        }
      }
      return options;
    }

    String flag(String example) throws UsageException {
      if (positional.isEmpty()) {
        throw usage("Name the flag.", example);
      }
      return positional.get(0);
    }

    void noValue(String instead) throws UsageException {
      if (positional.size() > 1) {
        throw usage("'" + positional.get(1) + "' is extra here.", instead);
      }
    }

    void noEnvironments(String instead, String why) throws UsageException {
      if (!environments.isEmpty()) {
        throw usage("--" + environments.get(0) + " is not needed: " + why + ".", instead);
      }
    }

    void noStrategyOrActors(String instead) throws UsageException {
      if (strategy != null || !actors.isEmpty() || match != null && !instead.startsWith("list")) {
        throw usage("That option goes with set or list, not here.", instead);
      }
    }

    List<String> environments() {
      return environments.isEmpty() ? List.of(Command.DEFAULT_ENVIRONMENT) : environments;
    }

    String environmentOptions() {
      StringBuilder text = new StringBuilder();
      environments.forEach(e -> text.append(" --").append(e));
      return text.toString();
    }
  }
}
