package dev.flagstaff.operator.propagation;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/**
 * The {@code Propagated} condition and the ConfigMap version it is measured against. {@code kubectl wait
 * --for=condition=Propagated} relies on the condition's observedGeneration: it ignores a condition older than the
 * resource's generation.
 */
public final class PropagatedCondition {
  public static final String TYPE = "Propagated";
  /** The flag's value is not in the ConfigMap (the resource is refused): nothing to propagate. */
  public static final String REASON_NOT_APPLIED = "NotApplied";

  private PropagatedCondition() {}

  public static Condition of(Propagation.Result result, Long generation) {
    return build(result.propagated(), result.reason(), result.message(), generation);
  }

  /** For a flag whose value was not written: see its Stalled condition. */
  public static Condition notApplied(Long generation) {
    return build(false, REASON_NOT_APPLIED, "The flag's value is not in the ConfigMap: see the Stalled condition",
        generation);
  }

  /**
   * The ConfigMap version consumers must serve to have applied the flag's value: the one its own write returned;
   * when nothing was written (the value was already there), the one recorded before, if it was recorded for the same
   * key; else the ConfigMap's version as the cache sees it.
   */
  public static String version(String written, String recorded, String cached) {
    if (written != null) {
      return written;
    }
    return recorded != null ? recorded : cached;
  }

  /** Whether {@code saved} already says Propagated=True for the value at {@code version}, at {@code generation}. */
  public static boolean heldBy(dev.flagstaff.api.v1alpha1.FeatureFlagStatus saved, String version, long generation) {
    return saved != null && version != null && version.equals(saved.getConfigMapVersion())
        && saved.getConditions() != null && saved.getConditions().stream().anyMatch(c -> TYPE.equals(c.getType())
            && "True".equals(c.getStatus()) && Long.valueOf(generation).equals(c.getObservedGeneration()));
  }

  private static Condition build(boolean status, String reason, String message, Long generation) {
    return new ConditionBuilder()
        .withType(TYPE)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .build();
  }
}
