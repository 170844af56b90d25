package dev.flagstaff.operator.status;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;
import java.util.Optional;

/** The record step's write: a FeatureFlag's status, never from a copy someone else changed meanwhile. */
public final class StatusWrite {
  private StatusWrite() {}

  /**
   * Replaces the status with optimistic locking (a PUT carrying the resourceVersion this reconcile read), and keeps
   * the result in JOSDK's cache: a consumer's report can trigger the next reconcile within milliseconds, before the
   * informer has seen this write. On a 409 someone else changed the FeatureFlag since it was read; the status computed
   * here may be stale, so it is not written: {@link ChangedMeanwhile} makes JOSDK reconcile again from the fresh
   * copy (which it has waited for in its cache), recomputing everything, and nothing that writer changed is lost.
   */
  public static void save(FeatureFlag read, Context<FeatureFlag> context, FeatureFlagStatus status) {
    String readVersion = read.getMetadata().getResourceVersion();
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(read, context, current -> {
      if (!Objects.equals(readVersion, current.getMetadata().getResourceVersion())) {
        throw new ChangedMeanwhile(read, current.getMetadata().getResourceVersion());
      }
      return StatusAggregator.withStatus(current, status);
    });
  }

  /** The FeatureFlag changed between this reconcile's read and its status write. */
  public static final class ChangedMeanwhile extends RuntimeException {
    ChangedMeanwhile(FeatureFlag read, String now) {
      super("FeatureFlag " + read.getMetadata().getNamespace() + "/" + read.getMetadata().getName()
          + " changed while it was reconciled (resourceVersion " + read.getMetadata().getResourceVersion() + " → "
          + now + "): its status is not written from the stale copy; reconciling again from the fresh one");
    }
  }

  /** The {@link ChangedMeanwhile} among {@code e} and its causes, if any. */
  public static Optional<Throwable> changedMeanwhile(Throwable e) {
    Throwable conflict = e;
    while (conflict != null && !(conflict instanceof ChangedMeanwhile)) {
      conflict = conflict.getCause();
    }
    return Optional.ofNullable(conflict);
  }
}
