package dev.flagstaff.chatops.command;

import dev.flagstaff.flags.StateWords;
import dev.flagstaff.flags.Strategy;
import java.util.List;

/**
 * One of GitLab ChatOps' {@code feature} commands, parsed. {@link #text()} writes it back in the canonical form
 * (what a reply quotes, what an annotation records, what a held change is re-planned from).
 */
public sealed interface Command {
  /** The environment a command without an environment option means, as in ChatOps. */
  String DEFAULT_ENVIRONMENT = "production";

  String text();

  /** {@code get <flag>}. */
  record Get(String flag) implements Command {
    @Override
    public String text() {
      return "get " + flag;
    }
  }

  /** {@code list [--match TEXT]}; {@code match} is empty for every flag. */
  record ListFlags(String match) implements Command {
    @Override
    public String text() {
      return match.isEmpty() ? "list" : "list --match " + match;
    }
  }

  /** {@code set <flag> <value> [--actors|--random] [actor options] [environment options]}. */
  record Set(String flag, Value value, List<String> actors, List<String> environments) implements Command {
    public Set {
      actors = List.copyOf(actors);
      environments = List.copyOf(environments);
    }

    @Override
    public String text() {
      StringBuilder text = new StringBuilder("set ").append(flag).append(' ').append(value.text());
      actors.forEach(actor -> text.append(" --actor=").append(actor));
      environments.forEach(environment -> text.append(" --").append(environment));
      return text.toString();
    }
  }

  /** {@code delete <flag> [environment options]}. */
  record Delete(String flag, List<String> environments) implements Command {
    public Delete {
      environments = List.copyOf(environments);
    }

    @Override
    public String text() {
      StringBuilder text = new StringBuilder("delete ").append(flag);
      environments.forEach(environment -> text.append(" --").append(environment));
      return text.toString();
    }
  }

  /** What {@code set} sets: fully on, off, or a percentage with its strategy. */
  sealed interface Value {
    String text();
  }

  record On() implements Value {
    @Override
    public String text() {
      return "true";
    }
  }

  record Off() implements Value {
    @Override
    public String text() {
      return "false";
    }
  }

  record Percent(double percentage, Strategy strategy) implements Value {
    @Override
    public String text() {
      return StateWords.formatPercentage(percentage) + " --" + strategy.wireName();
    }
  }
}
