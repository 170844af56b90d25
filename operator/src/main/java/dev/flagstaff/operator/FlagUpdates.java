package dev.flagstaff.operator;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.operator.rollout.RolloutEngine;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a FeatureFlag are worth a reconcile: a new generation (the spec changed), a new value of the
 * annotation {@value RolloutEngine#RETRY_ANNOTATION} (which changes no generation), a deletion or a finalizer change.
 * The operator's own status patches are not; timed work (rollout steps, analysis, the verification term) wakes by
 * rescheduling instead.
 */
final class FlagUpdates implements OnUpdateFilter<FeatureFlag> {
  @Override
  public boolean accept(FeatureFlag updated, FeatureFlag old) {
    return !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
        || !Objects.equals(retry(updated), retry(old))
        || updated.isMarkedForDeletion()
        || !Objects.equals(updated.getMetadata().getFinalizers(), old.getMetadata().getFinalizers());
  }

  private static String retry(FeatureFlag flag) {
    Map<String, String> annotations = flag.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(RolloutEngine.RETRY_ANNOTATION);
  }
}
