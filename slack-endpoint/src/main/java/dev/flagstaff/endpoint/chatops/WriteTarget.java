package dev.flagstaff.endpoint.chatops;

import dev.flagstaff.chatops.command.Command;

/** Where a slash command's change is written: the FeatureFlag resources, or the Git repository GitOps syncs. */
public interface WriteTarget {
  /** Carries out a {@code set} or {@code delete}, or refuses it with nothing written. */
  Outcome change(Command command, Requester who) throws Exception;
}
