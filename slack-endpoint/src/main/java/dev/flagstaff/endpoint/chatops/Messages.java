package dev.flagstaff.endpoint.chatops;

import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.Refusal;
import dev.flagstaff.chatops.kubectl.FlagTables;
import java.util.ArrayList;
import java.util.List;

/** What the slash command says, in Slack's mrkdwn: plain functions of plain values. */
final class Messages {
  private Messages() {}

  static String acknowledged(String name, Command command) {
    return command instanceof Command.Get || command instanceof Command.ListFlags
        ? "`" + name + " " + command.text() + "`: looking it up…"
        : "`" + name + " " + command.text() + "`: checking and applying; the result will be posted in this channel "
            + "once the operator reports it.";
  }

  static String refused(String name, Refusal refusal) {
    return ":no_entry: " + refusal.render(name + " ");
  }

  static String unauthorized(String name, Command command, List<String> reasons) {
    return ":no_entry: `" + name + " " + command.text() + "` was not run: " + String.join("; ", reasons)
        + ". Nothing was changed.";
  }

  static String failed(String name, Command command, String why) {
    return ":warning: `" + name + " " + command.text() + "` failed: " + why + ". See the flag as it stands: `" + name
        + " get " + flagOf(command) + "`";
  }

  static String read(String name, Command command, String tables) {
    if (tables.isEmpty()) {
      return command instanceof Command.Get get ? "No FeatureFlag with key or name '" + get.flag() + "'. Try `" + name
          + " list`." : "No FeatureFlags.";
    }
    return "```\n" + tables + "\n```";
  }

  /** In the channel: who ran what, each environment's change, and what each copy's operator reports. */
  static String applied(String name, Requester who, Command command, Outcome.Done done) {
    StringBuilder text = new StringBuilder("<@").append(who.user()).append("> ran `").append(name).append(' ')
        .append(command.text()).append('`');
    if (!done.reference().isEmpty()) {
      text.append(" (commit ").append(done.reference()).append(')');
    }
    text.append('\n');
    done.summary().forEach(line -> text.append("• ").append(line).append('\n'));
    if (!done.rows().isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("WHERE", "ENVIRONMENT", "STATE", "READY", "PROPAGATED"));
      done.rows().forEach(r -> rows.add(List.of(r.where(), r.environment(), r.state(), r.ready(), r.propagated())));
      text.append("```\n").append(FlagTables.table(rows)).append("```");
    }
    return text.toString().strip();
  }

  /** In the owners' channel, as the seed's rollout template asks: what changed, by whom, from where. */
  static String announcement(String name, Requester who, Command command, Outcome.Done done) {
    return "`" + done.flag() + "` was changed from Slack by <@" + who.user() + "> in <#" + who.channel() + ">: `"
        + name + " " + command.text() + "`\n" + String.join("\n", done.summary().stream().map(s -> "• " + s).toList())
        + (done.reference().isEmpty() ? "" : "\n(commit " + done.reference() + ")");
  }

  static String flagOf(Command command) {
    if (command instanceof Command.Set set) {
      return set.flag();
    }
    if (command instanceof Command.Delete delete) {
      return delete.flag();
    }
    return command instanceof Command.Get get ? get.flag() : "";
  }
}
