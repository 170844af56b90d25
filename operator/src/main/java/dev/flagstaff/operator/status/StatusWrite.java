package dev.flagstaff.operator.status;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.HttpURLConnection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The record step's write: a FeatureFlag's status, never from a copy someone else changed meanwhile. */
public final class StatusWrite {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWrite.class);

  private StatusWrite() {}

  /**
   * Replaces the status with optimistic locking: a PUT of the status subresource carrying the resourceVersion this
   * reconcile read. The API server refuses it with 409 when someone else changed the FeatureFlag since; the status
   * computed here may then be stale, so nothing is written: {@link ChangedMeanwhile} makes JOSDK reconcile again
   * from the fresh copy, recomputing everything, and nothing that writer changed is lost.
   *
   * <p>The saved resource goes into JOSDK's temporary resource cache (the controller event source's
   * {@code handleRecentResourceUpdate}, as JOSDK's own update-and-cache does): a consumer's report can trigger the
   * next reconcile within milliseconds, before the informer has seen this write, and that reconcile must start from
   * what was saved, not from the copy before it.
   */
  public static void save(FeatureFlag read, Context<FeatureFlag> context, FeatureFlagStatus status) {
    FeatureFlag saved;
    try {
      saved = context.getClient().resource(StatusAggregator.withStatus(read, status)).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new ChangedMeanwhile(read, e);
      }
      throw e;
    }
    context.eventSourceRetriever().getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(read), saved, read);
  }

  /**
   * {@link #save}, for a status that only reports why the reconcile failed (it is retried anyway): a write that
   * fails too (the same refusal, a conflict) is logged and dropped.
   */
  public static void saveIfPossible(FeatureFlag read, Context<FeatureFlag> context, FeatureFlagStatus status) {
    try {
      save(read, context, status);
    } catch (RuntimeException notRecorded) {
      LOG.debug("could not record the refusal on the status: {}", notRecorded.getMessage());
    }
  }

  /** The FeatureFlag changed between this reconcile's read and its status write. */
  public static final class ChangedMeanwhile extends RuntimeException {
    ChangedMeanwhile(FeatureFlag read, KubernetesClientException conflict) {
      super("FeatureFlag " + read.getMetadata().getNamespace() + "/" + read.getMetadata().getName()
          + " changed while it was reconciled (read at resourceVersion " + read.getMetadata().getResourceVersion()
          + "): its status is not written from the stale copy; reconciling again from the fresh one", conflict);
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
