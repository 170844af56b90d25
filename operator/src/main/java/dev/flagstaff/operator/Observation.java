package dev.flagstaff.operator;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.operator.rollout.AnalysisRun;
import java.time.Instant;

/**
 * What one reconcile observed of a FeatureFlag, before it decides anything: the resource and the status it carries,
 * its key's value in the cached ConfigMap, whether someone else changed that value, and the latest result of its
 * rollout's analysis.
 *
 * @param current the value the cached ConfigMap holds under {@code key}, or null when it holds none
 * @param drifted whether {@code current} differs from what the operator saw itself write there
 * @param analysis the latest answered analysis run of the flag's rollout in this environment, or null
 */
record Observation(FeatureFlag flag, String key, String current, boolean drifted, Instant now,
    AnalysisRun.Result analysis) {

  /** The status the resource carries, or null. */
  FeatureFlagStatus previous() {
    return flag.getStatus();
  }

  /** Whether the saved status is about this same key. */
  boolean sameKey() {
    return previous() != null && key.equals(previous().getKey());
  }

  /** The state in words the saved status says is in effect for this key, or null. */
  String stateInEffect() {
    return sameKey() ? previous().getState() : null;
  }

  /** The ConfigMap version the saved status recorded for this key, or null. */
  String recordedVersion() {
    return sameKey() ? previous().getConfigMapVersion() : null;
  }

  String name() {
    return flag.getMetadata().getNamespace() + "/" + flag.getMetadata().getName();
  }
}
