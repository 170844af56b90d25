package dev.flagstaff.endpoint.chatops;

import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.CommandParser;
import dev.flagstaff.chatops.command.UsageException;
import dev.flagstaff.endpoint.EndpointMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verified slash command, from its text to its answers: parsed at once (a mistyped line is answered in the
 * acknowledgement), then, off the request thread, authorized per environment, carried out by the write target, and
 * answered through response_url — refusals ephemerally, a change in the channel once it has landed, cross-posted
 * to the owners' channel. Every command is counted by result and logged in one line, without secrets.
 */
public final class SlashCommands {
  private static final Logger LOG = LoggerFactory.getLogger(SlashCommands.class);

  private final String name;
  private final Policy policy;
  private final Function<String, Set<String>> groupMembers;
  private final KubernetesTarget reader;
  private final WriteTarget writer;
  private final Replies replies;
  private final EndpointMetrics metrics;
  private final ExecutorService executor;

  SlashCommands(String name, Policy policy, Function<String, Set<String>> groupMembers, KubernetesTarget reader,
      WriteTarget writer, Replies replies, EndpointMetrics metrics, ExecutorService executor) {
    this.name = name;
    this.policy = policy;
    this.groupMembers = groupMembers;
    this.reader = reader;
    this.writer = writer;
    this.replies = replies;
    this.metrics = metrics;
    this.executor = executor;
  }

  /** Whether the command's answers may go to {@code responseUrl} (Slack's, or the configured API's origin). */
  boolean allowedResponseUrl(String responseUrl) {
    return replies.allowed(responseUrl);
  }

  /** Takes a verified command; returns the ephemeral acknowledgement, at once. */
  String accept(Requester who, String responseUrl) {
    Command command;
    try {
      command = CommandParser.parse(who.line());
    } catch (UsageException e) {
      finish(who, "refused", "usage");
      return Messages.refused(name, e.refusal());
    }
    try {
      executor.execute(() -> run(who, command, responseUrl));
    } catch (RejectedExecutionException e) {
      finish(who, "failed", "busy");
      return ":warning: Too many commands are running; nothing was changed. Try again in a minute.";
    }
    return Messages.acknowledged(name, command);
  }

  private void run(Requester who, Command command, String responseUrl) {
    try {
      if (command instanceof Command.Get || command instanceof Command.ListFlags) {
        String tables = reader == null ? "" : reader.read(command);
        replies.respond(responseUrl, false, Messages.read(name, command, tables));
        finish(who, "answered", command.text());
        return;
      }
      List<String> refusals = authorize(who, environments(command));
      if (!refusals.isEmpty()) {
        replies.respond(responseUrl, false, Messages.unauthorized(name, command, refusals));
        finish(who, "unauthorized", String.join("; ", refusals));
        return;
      }
      Outcome outcome = writer.change(command, who);
      if (outcome instanceof Outcome.Refused refused) {
        replies.respond(responseUrl, false, Messages.refused(name, refused.refusal()));
        finish(who, "refused", firstLine(refused.refusal().reason()));
        return;
      }
      Outcome.Done done = (Outcome.Done) outcome;
      replies.respond(responseUrl, true, Messages.applied(name, who, command, done));
      if (done.ownersChannel() != null && !done.ownersChannel().equals(who.channel())) {
        replies.crossPost(done.ownersChannel(), Messages.announcement(name, who, command, done));
      }
      finish(who, "applied", String.join(", ", done.summary()));
    } catch (Exception e) {
      replies.respond(responseUrl, false, Messages.failed(name, command, failure(e)));
      finish(who, "failed", e.getClass().getSimpleName());
    }
  }

  private List<String> authorize(Requester who, List<String> environments) {
    List<String> refusals = new ArrayList<>();
    for (String environment : environments) {
      policy.refusal(environment, who.user(), who.channel(), groupMembers).ifPresent(refusals::add);
    }
    return refusals;
  }

  private static List<String> environments(Command command) {
    if (command instanceof Command.Set set) {
      return set.environments();
    }
    return command instanceof Command.Delete delete ? delete.environments() : List.of();
  }

  /** An exception in words for the requester: the API server's status message, else the kind of failure. */
  private static String failure(Exception e) {
    if (e instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      return "the API server answered " + k.getCode() + ": " + k.getStatus().getMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }

  private void finish(Requester who, String result, String detail) {
    metrics.chatops(result);
    LOG.info("slash command \"{}\" by {} in {} (team {}): {}: {}", shown(who.line()), who.user(), who.channel(),
        who.team(), result, shown(detail));
  }

  private static String shown(String text) {
    String line = text.replaceAll("[\\r\\n\\t]+", " ");
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }
}
