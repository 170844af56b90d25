package dev.flagstaff.chatops.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A change held until someone approves it (a production change in Slack, say). It keeps the command and who asked,
 * and the change as planned when asked, to show the approver. Approving plans the command again against the
 * resource as it stands then: what is written is never computed from the object seen at request time, and a
 * change that has become invalid meanwhile (someone disabled staging) is refused at approval.
 */
public record PendingChange(Command command, String requestedBy, Plan.Change planned) {
  public PendingChange {
    Objects.requireNonNull(command);
    Objects.requireNonNull(requestedBy);
    Objects.requireNonNull(planned);
  }

  /** Holds {@code command} if it plans to a change; a refusal is answered at once instead. */
  public static Plan hold(Command command, String requestedBy, Planner planner, ObjectNode resource,
      java.util.function.Consumer<PendingChange> store) {
    Plan plan = plan(command, planner, resource);
    if (plan instanceof Plan.Change change) {
      store.accept(new PendingChange(command, requestedBy, change));
    }
    return plan;
  }

  /** The plan to carry out on approval, against the resource as it stands now. */
  public Plan approve(Planner planner, ObjectNode current) {
    return plan(command, planner, current);
  }

  static Plan plan(Command command, Planner planner, ObjectNode resource) {
    if (command instanceof Command.Set set) {
      return planner.plan(set, resource);
    }
    if (command instanceof Command.Delete delete) {
      return planner.plan(delete, resource);
    }
    return new Plan.Refused(Refusal.of("Only set and delete change a flag; " + command.text() + " needs no approval.",
        command.text()));
  }
}
