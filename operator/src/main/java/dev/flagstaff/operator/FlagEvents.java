package dev.flagstaff.operator;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Core v1 Events on FeatureFlags, so {@code kubectl describe featureflag} and {@code kubectl get events} show them.
 * Warning reasons are fixed, one per way a resource can be refused; Normal {@code StateChanged} records each change
 * of the resolved state. Events are best effort and sent off the reconcile (as client-go's recorder does): {@link
 * #record} returns at once, {@link EventSender} creates them, retrying an unavailable API server a few times; a
 * failure is logged and counted ({@code flagstaff_events_total{result}}), never fails a reconcile. Each Event's name
 * is fixed when it is recorded, so one flag's Events list in the order they were recorded.
 */
public final class FlagEvents {
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String KEY_CONFLICT = "KeyConflict";
  public static final String CONFIGMAP_FULL = "ConfigMapFull";
  public static final String STATE_CHANGED = "StateChanged";
  /** Normal: the flag's key in the ConfigMap was changed or removed by someone else, and is put back. */
  public static final String DRIFT_REPAIRED = "DriftRepaired";
  /** Normal: a rollout started, moved a step, paused, resumed or completed. */
  public static final String ROLLOUT = "Rollout";
  /** Warning: a rollout was rolled back, or cannot go on (Prometheus unavailable, a query refused). */
  public static final String ROLLED_BACK = "RolledBack";
  public static final String ANALYSIS_UNAVAILABLE = "AnalysisUnavailable";
  public static final String ROLLOUT_FAILED = "RolloutFailed";
  /** Normal: fully on for the verification term. */
  public static final String READY_FOR_CLEANUP = "ReadyForCleanup";

  public static final String COMPONENT = "flagstaff-operator";

  private static final int MAX_MESSAGE = 1024;

  private final EventSender sender;
  private final Clock clock;

  FlagEvents(KubernetesClient client, Clock clock, EventSender.Outcomes outcomes) {
    this.sender = new EventSender(client, outcomes);
    this.clock = clock;
  }

  void record(FeatureFlag flag, Notices.Event event) {
    record(flag, event.type(), event.reason(), event.message());
  }

  /** The message of a {@value #STATE_CHANGED} Event. */
  static String stateChange(String environment, String from, String to) {
    return environment + ": " + (from == null ? "unset" : from) + " → " + to;
  }

  private static String prefix(String name) {
    return name.length() > 230 ? name.substring(0, 230) : name;
  }

  private void record(FeatureFlag flag, String type, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String namespace = flag.getMetadata().getNamespace();
    Event event = new EventBuilder()
        .withNewMetadata()
        .withName(prefix(flag.getMetadata().getName()) + "." + Long.toHexString(System.nanoTime())
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000)))
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(flag.getApiVersion())
            .withKind(flag.getKind())
            .withName(flag.getMetadata().getName())
            .withNamespace(namespace)
            .withUid(flag.getMetadata().getUid())
            .withResourceVersion(flag.getMetadata().getResourceVersion())
            .build())
        .withType(type)
        .withReason(reason)
        .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "…" : message)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent("flagstaff.dev/operator")
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
    sender.send(event, type + " event " + reason + " on FeatureFlag " + namespace + "/" + flag.getMetadata().getName());
  }

  /** Waits up to {@code timeout} for the Events still being sent (on shutdown). */
  void flush(java.time.Duration timeout) {
    sender.flush(timeout);
  }
}
