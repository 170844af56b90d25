package dev.flagstaff.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** kstatus conditions: building them, and keeping {@code lastTransitionTime} unless the status flips. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  /** While the environment has a rollout: True while it progresses or once completed, else False with why. */
  public static final String ROLLOUT = "Rollout";
  /** In the verification environment, once fully on: True when the verification term has passed. */
  public static final String READY_FOR_CLEANUP = "ReadyForCleanup";
  public static final String VERIFICATION_COMPLETE = "VerificationComplete";
  public static final String VERIFYING = "Verifying";

  private Conditions() {}

  /** A condition's or Event's message is cut to this many characters, whatever the resource holds. */
  public static final int MAX_MESSAGE = 1024;

  public static Condition of(String type, boolean status, String reason, String message, Long observedGeneration) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(bounded(message))
        .withObservedGeneration(observedGeneration)
        .build();
  }

  public static String bounded(String message) {
    return message == null || message.length() <= MAX_MESSAGE ? message
        : message.substring(0, MAX_MESSAGE - 3) + "...";
  }

  /**
   * {@code desired} with the {@code lastTransitionTime} of the same condition in {@code previous} when its status is
   * unchanged, else {@code now}.
   */
  public static Condition transition(List<Condition> previous, Condition desired, Instant now) {
    String time = find(previous, desired.getType())
        .filter(old -> Objects.equals(old.getStatus(), desired.getStatus()) && old.getLastTransitionTime() != null)
        .map(Condition::getLastTransitionTime)
        .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder(desired).withLastTransitionTime(time).build();
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
