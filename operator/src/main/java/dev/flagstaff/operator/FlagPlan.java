package dev.flagstaff.operator;

import dev.flagstaff.operator.status.PlannedStatus;
import dev.flagstaff.operator.status.Verdict;
import dev.flagstaff.operator.status.VerificationTerm;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.operator.announce.Announcement;
import dev.flagstaff.operator.rollout.AnalysisRun;
import dev.flagstaff.operator.rollout.RolloutEngine;
import java.time.Duration;
import java.util.List;

/**
 * Everything one reconcile will do, decided before it does any of it (see {@link FlagPlanner}).
 *
 * @param value the ConfigMap value to put under the flag's key, or null when the flag is refused
 * @param rollout the rollout's decision, or null when the environment has none (or the flag is refused)
 * @param rolloutStatus the rollout's progress to record in the status
 * @param verification the verification term to record, or null
 * @param events the Events to record once the status is saved
 * @param announcements the announcements to post once the status is saved
 * @param wake when to reconcile again although nothing changes, or null
 */
record FlagPlan(Verdict verdict, String value, RolloutEngine.Decision rollout, RolloutStatus rolloutStatus,
    VerificationTerm verification, List<Notices.Event> events, List<Announcement> announcements, Duration wake)
    implements PlannedStatus {

  FlagPlan {
    events = List.copyOf(events);
    announcements = List.copyOf(announcements);
  }

  /** The analysis run the rollout waits for, to be started off the reconcile; or null. */
  AnalysisRun analysisNeeded() {
    return rollout == null ? null : rollout.analysisNeeded();
  }
}
