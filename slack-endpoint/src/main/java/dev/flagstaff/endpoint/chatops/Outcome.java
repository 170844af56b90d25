package dev.flagstaff.endpoint.chatops;

import dev.flagstaff.chatops.command.Refusal;
import java.util.List;

/** What a write target made of a change: refused (nothing written) or done, with what each copy reports. */
public sealed interface Outcome {
  record Refused(Refusal refusal) implements Outcome {}

  /**
   * @param summary one line per environment that changed, e.g. {@code production: Disabled → 10% of time}
   * @param rows one per copy of the flag: where, the environment it serves, state, Ready, Propagated
   * @param reference where the change was written (a commit id; empty for the cluster)
   * @param ownersChannel the flag's {@code owners.slackChannel}, or {@code null}
   */
  record Done(String flag, List<String> summary, List<Row> rows, String reference, String ownersChannel)
      implements Outcome {
    public Done {
      summary = List.copyOf(summary);
      rows = List.copyOf(rows);
    }
  }

  /** One copy of the flag after the change, as its operator reported it (or "-" when it did not in time). */
  record Row(String where, String environment, String state, String ready, String propagated) {}
}
