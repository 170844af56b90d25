package dev.flagstaff.operator.status;

import dev.flagstaff.api.v1alpha1.RolloutStatus;

/** What a reconcile's plan says its status records: the verdict, the rollout's progress, the verification term. */
public interface PlannedStatus {
  Verdict verdict();

  /** The rollout's progress to record, or null. */
  RolloutStatus rolloutStatus();

  /** The verification term to record, or null. */
  VerificationTerm verification();

  static PlannedStatus of(Verdict verdict, RolloutStatus rolloutStatus, VerificationTerm verification) {
    record Of(Verdict verdict, RolloutStatus rolloutStatus, VerificationTerm verification) implements PlannedStatus {}
    return new Of(verdict, rolloutStatus, verification);
  }
}
