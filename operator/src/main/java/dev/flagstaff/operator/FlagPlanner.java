package dev.flagstaff.operator;

import dev.flagstaff.operator.status.Conditions;
import dev.flagstaff.operator.status.Verdict;
import dev.flagstaff.operator.status.VerificationTerm;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.flags.FlagState;
import dev.flagstaff.operator.announce.Announcement;
import dev.flagstaff.operator.rollout.RolloutEngine;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The plan step of a reconcile: a function from what was observed (and what validation concluded) to the value to
 * write, the verdict the status will record, the Events and announcements that are new compared with the saved
 * status, when to wake, and the analysis run a rollout waits for. It reads no cluster, asks no Prometheus and
 * writes nothing: a rollout's analysis result comes in as part of the observation.
 */
final class FlagPlanner {
  private final String environment;
  private final boolean servesVerification;
  private final String configMapName;

  FlagPlanner(String environment, boolean servesVerification, String configMapName) {
    this.environment = environment;
    this.servesVerification = servesVerification;
    this.configMapName = configMapName;
  }

  /**
   * @param refusal why the flag cannot be applied (validation, or a write the ConfigMap had no room for), or null
   *     when it can
   */
  FlagPlan plan(Observation observed, Verdict refusal) {
    return refusal == null ? applied(observed) : refused(observed, refusal);
  }

  private FlagPlan applied(Observation observed) {
    FeatureFlag flag = observed.flag();
    FeatureFlagStatus previous = observed.previous();
    DesiredState desired = DesiredState.of(flag, environment, observed.now(), observed.analysis());
    RolloutEngine.Decision rollout = desired.rollout();
    String value = FlagCodec.encode(desired.state());
    boolean rolledBack = rollout != null && RolloutEngine.ROLLED_BACK.equals(rollout.status().getPhase());
    Verdict verdict = Verdict.applied(environment, desired.state(), rolledBack ? Verdict.ROLLED_BACK : Verdict.APPLIED);
    VerificationTerm verification = !servesVerification ? null
        : VerificationTerm.of(environment, DesiredState.fullyOn(desired.state()),
            previous == null ? null : previous.getFullyOnSince(), flag.getSpec().getVerification(), observed.now());

    Notices notices = new Notices();
    String before = previous == null ? null : previous.getState();
    List<RolloutEngine.Transition> transitions = rollout == null ? List.of() : rollout.transitions();
    for (RolloutEngine.Transition t : transitions) {
      switch (t.change()) {
        case ROLLED_BACK: notices.warning(FlagEvents.ROLLED_BACK, environment + ": "
            + rollout.status().getMessage()); break;
        case ANALYSIS_UNAVAILABLE: notices.warning(FlagEvents.ANALYSIS_UNAVAILABLE, environment + ": "
            + t.why()); break;
        case FAILED: notices.warning(FlagEvents.ROLLOUT_FAILED, environment + ": " + t.why()); break;
        default: notices.normal(FlagEvents.ROLLOUT, environment + ": " + t.why());
      }
    }
    if (changed(before, verdict.state(), desired.state(), observed)) {
      notices.normal(FlagEvents.STATE_CHANGED, FlagEvents.stateChange(environment, before, verdict.state()));
      notices.announce(Announcement.of(flag, environment, before, verdict.state(), why(transitions),
          transitions.isEmpty() ? null : transitions.get(transitions.size() - 1).why()));
    }
    boolean wasReady = previous != null && Conditions.isTrue(previous.getConditions(), Conditions.READY_FOR_CLEANUP);
    if (verification != null && verification.ready() && !wasReady) {
      notices.normal(FlagEvents.READY_FOR_CLEANUP, verification.readyMessage());
      notices.announce(Announcement.of(flag, environment, verdict.state(), verdict.state(),
          Announcement.Why.READY_FOR_CLEANUP, verification.termWords()));
    }
    if (observed.drifted() && !value.equals(observed.current())) {
      notices.normal(FlagEvents.DRIFT_REPAIRED, "key '" + observed.key() + "' of ConfigMap " + configMapName
          + " was changed or removed outside the operator; its value is put back (change the FeatureFlag instead)");
    }
    Duration wake = earliest(rollout == null ? null : rollout.requeueAfter(),
        verification == null ? null : verification.wakeAfter());
    return new FlagPlan(verdict, value, rollout, rollout == null ? null : rollout.status(), verification,
        notices.events(), notices.announcements(), wake);
  }

  /** Nothing is written: the state in effect, and how long it has been fully on, stay as the status says. */
  private FlagPlan refused(Observation observed, Verdict verdict) {
    FeatureFlagStatus previous = observed.previous();
    RolloutStatus rolloutStatus = previous == null ? null : previous.getRollout();
    VerificationTerm verification = null;
    if (servesVerification && previous != null && previous.getFullyOnSince() != null) {
      FeatureFlag flag = observed.flag();
      verification = VerificationTerm.of(environment, true, previous.getFullyOnSince(),
          flag.getSpec() == null ? null : flag.getSpec().getVerification(), observed.now());
    }
    Optional<Condition> stalled = previous == null
        ? Optional.empty()
        : Conditions.find(previous.getConditions(), Conditions.STALLED);
    boolean reported = stalled.filter(c -> "True".equals(c.getStatus())
        && verdict.reason().equals(c.getReason()) && verdict.message().equals(c.getMessage())).isPresent();
    Notices notices = new Notices();
    if (!reported) {
      notices.warning(verdict.reason(), verdict.message());
    }
    Duration wake = earliest(null, verification == null ? null : verification.wakeAfter());
    return new FlagPlan(verdict, null, null, rolloutStatus, verification, notices.events(), notices.announcements(),
        wake);
  }

  /**
   * Whether the value in effect changes, judged on the value and not only on its words: one listed actor swapped for
   * another reads the same ("+ 1 actor") and is a change. A key someone changed by hand is drift, told as such;
   * then, as for a key not yet written, the words decide.
   */
  private static boolean changed(String before, String words, FlagState state, Observation observed) {
    if (!Objects.equals(before, words)) {
      return true;
    }
    if (observed.drifted() || observed.current() == null) {
      return false;
    }
    FlagState current;
    try {
      current = FlagCodec.decode(observed.current());
    } catch (IllegalArgumentException unreadable) {
      return false;
    }
    return current.enabled() != state.enabled()
        || current.hasPercentage() != state.hasPercentage()
        || state.hasPercentage() && (Double.compare(current.percentage(), state.percentage()) != 0
            || current.strategy() != state.strategy())
        || !current.actorSet().equals(state.actorSet());
  }

  /** Why the state changed: the rollout's doing (a step, a rollback), or someone's change of the resource. */
  private static Announcement.Why why(List<RolloutEngine.Transition> transitions) {
    for (RolloutEngine.Transition t : transitions) {
      if (t.change() == RolloutEngine.Change.ROLLED_BACK) {
        return Announcement.Why.ROLLBACK;
      }
    }
    for (RolloutEngine.Transition t : transitions) {
      if (t.change() == RolloutEngine.Change.STEP || t.change() == RolloutEngine.Change.COMPLETED) {
        return Announcement.Why.ROLLOUT_STEP;
      }
    }
    return Announcement.Why.SPEC_CHANGE;
  }

  /** The earlier of two delays (either may be null), never later than {@link RolloutEngine#MAX_WAKE}. */
  private static Duration earliest(Duration a, Duration b) {
    Duration wake = a == null ? b : b == null || a.compareTo(b) <= 0 ? a : b;
    return wake == null ? null : wake.compareTo(RolloutEngine.MAX_WAKE) > 0 ? RolloutEngine.MAX_WAKE : wake;
  }
}
