package dev.flagstaff.operator.status;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import dev.flagstaff.api.v1alpha1.ConsumerCounts;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.operator.propagation.PropagatedCondition;
import dev.flagstaff.operator.propagation.Propagation;
import dev.flagstaff.operator.rollout.RolloutEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes a FeatureFlag's status from what one reconcile observed, and the minimal object to patch it with.
 * kstatus: a resource that was applied is Ready and neither Reconciling nor Stalled; a refused one is Stalled
 * with the reason, not Ready. Each condition carries observedGeneration; its lastTransitionTime moves only when
 * its status flips.
 */
public final class StatusAggregator {
  /** The condition types this operator writes; any other type in the status belongs to someone else. */
  public static final java.util.Set<String> OWN = java.util.Set.of(Conditions.READY, Conditions.RECONCILING,
      Conditions.STALLED, Conditions.ROLLOUT, Conditions.READY_FOR_CLEANUP, PropagatedCondition.TYPE);

  private final String environment;
  private final Clock clock;

  public StatusAggregator(String environment, Clock clock) {
    this.environment = environment;
    this.clock = clock;
  }

  /**
   * The status one reconcile records, built once from its plan and how far the value has propagated.
   *
   * @param configMapVersion the ConfigMap version holding the flag's value, or null
   * @param propagation how many consumers serve that version, or null when the value was not written (refused)
   */
  public FeatureFlagStatus status(FeatureFlag flag, String key, PlannedStatus plan, String configMapVersion,
      Propagation.Result propagation) {
    Verdict verdict = plan.verdict();
    RolloutStatus rollout = plan.rolloutStatus();
    VerificationTerm verification = plan.verification();
    Long generation = flag.getMetadata().getGeneration();
    List<Condition> previous = flag.getStatus() == null || flag.getStatus().getConditions() == null ? List.of()
        : flag.getStatus().getConditions();
    FeatureFlagStatus status = new FeatureFlagStatus();
    status.setObservedGeneration(generation);
    status.setEnvironment(environment);
    status.setKey(key);
    status.setState(verdict.state());
    status.setRollout(rollout);
    status.setConfigMapVersion(configMapVersion);
    List<Condition> conditions = new ArrayList<>(List.of(
        condition(previous, Conditions.of(Conditions.READY, verdict.applied(), verdict.reason(), verdict.message(),
            generation)),
        condition(previous, Conditions.of(Conditions.RECONCILING, false, verdict.reason(),
            verdict.applied() ? "Up to date" : "Waiting for the resource to change", generation)),
        condition(previous, Conditions.of(Conditions.STALLED, !verdict.applied(), verdict.reason(),
            verdict.applied() ? "Applied" : verdict.message(), generation))));
    if (rollout != null) {
      boolean healthy = RolloutEngine.PROGRESSING.equals(rollout.getPhase())
          || RolloutEngine.COMPLETED.equals(rollout.getPhase());
      String reason = RolloutEngine.ROLLED_BACK.equals(rollout.getPhase()) ? RolloutEngine.ROLLED_BACK
          : rollout.getReason() == null ? rollout.getPhase() : rollout.getReason();
      conditions.add(condition(previous, Conditions.of(Conditions.ROLLOUT, healthy, reason, rollout.getMessage(),
          generation)));
    }
    if (verification != null && verification.fullyOnSince() != null) {
      status.setFullyOnSince(verification.fullyOnSince());
      conditions.add(condition(previous, Conditions.of(Conditions.READY_FOR_CLEANUP, verification.ready(),
          verification.ready() ? Conditions.VERIFICATION_COMPLETE : Conditions.VERIFYING,
          verification.ready() ? verification.readyMessage() : verification.verifyingMessage(), generation)));
    }
    if (propagation != null) {
      status.setConsumers(new ConsumerCounts(propagation.applied(), propagation.total()));
      status.setPropagation(propagation.ratio());
    }
    conditions.add(condition(previous, propagation == null
        ? PropagatedCondition.notApplied(generation) : PropagatedCondition.of(propagation, generation)));
    // conditions someone else added (another controller, a person) are theirs: kept as they are
    previous.stream().filter(c -> !OWN.contains(c.getType())).forEach(conditions::add);
    status.setConditions(conditions);
    return status;
  }

  /** A copy of {@code flag} carrying {@code status}, for replacing the status; the cached {@code flag} is untouched. */
  public static FeatureFlag withStatus(FeatureFlag flag, FeatureFlagStatus status) {
    FeatureFlag copy = new FeatureFlag();
    copy.setMetadata(new ObjectMetaBuilder(flag.getMetadata()).build());
    copy.setSpec(flag.getSpec());
    copy.setStatus(status);
    return copy;
  }

  private Condition condition(List<Condition> previous, Condition desired) {
    return Conditions.transition(previous, desired, clock.instant());
  }
}
