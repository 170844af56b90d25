package dev.flagstaff.operator;

import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.api.v1alpha1.FeatureFlagValidation;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.operator.announce.Announcement;
import dev.flagstaff.operator.announce.Announcer;
import dev.flagstaff.operator.propagation.ConsumerLeases;
import dev.flagstaff.operator.propagation.PropagatedCondition;
import dev.flagstaff.operator.propagation.Propagation;
import dev.flagstaff.operator.rollout.AnalysisResult;
import dev.flagstaff.operator.rollout.RolloutEngine;
import dev.flagstaff.operator.ConfigMapKeyWriter.ConfigMapFullException;
import dev.flagstaff.operator.OperatorMetrics.Outcome;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FeatureFlag → its key in the environment's ConfigMap. Reads top to bottom: observe, validate (schema rules, key
 * ownership, capacity), compute the desired value, apply it (one key, only when it differs), then the status.
 * A resource that cannot be applied is Stalled with a Warning Event and is not retried until it changes; an API
 * error is thrown so that JOSDK retries with backoff. No periodic resync: nothing happens while nothing changes,
 * except timed work (a rollout's next step or analysis, the verification term), which wakes by rescheduling at the
 * moment it is due on the injected clock.
 */
@ControllerConfiguration(
    name = FeatureFlagReconciler.NAME,
    finalizerName = FeatureFlagReconciler.FINALIZER,
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 0))
public class FeatureFlagReconciler implements Reconciler<FeatureFlag>, Cleaner<FeatureFlag> {
  static final String NAME = "featureflag";
  /** Held until the flag's key is removed from the ConfigMap, which the garbage collector cannot do. */
  public static final String FINALIZER = "flagstaff.dev/configmap-key";

  private static final Logger LOG = LoggerFactory.getLogger(FeatureFlagReconciler.class);
  /** A scheduled wake-up is never further out than this: the next reconcile recomputes from the status anyway. */
  static final Duration MAX_WAKE = RolloutEngine.MAX_WAKE;

  private final OperatorSettings settings;
  private final KubernetesClient client;
  private final OperatorMetrics metrics;
  private final FlagEvents events;
  private final StatusAggregator statuses;
  private final Clock clock;
  private final Function<Analysis, AnalysisResult> analyst;
  private final Announcer announcer;
  private ConfigMapKeyWriter configMap;
  private KeyOwnership ownership;
  private IndexerResourceCache<FeatureFlag> flags;
  private SimpleInboundEventSource<FeatureFlag> handOver;
  private ConsumerLeases consumers;
  private final WrittenKeys writtenKeys = new WrittenKeys();

  /**
   * @param clock the operator's only source of time: rollout steps, analysis intervals, the verification term
   * @param analyst runs a rollout's Prometheus checks
   */
  FeatureFlagReconciler(OperatorSettings settings, KubernetesClient client, OperatorMetrics metrics,
      FlagEvents events, StatusAggregator statuses, Clock clock, Function<Analysis, AnalysisResult> analyst,
      Announcer announcer) {
    this.settings = settings;
    this.client = client;
    this.metrics = metrics;
    this.events = events;
    this.statuses = statuses;
    this.clock = clock;
    this.analyst = analyst;
    this.announcer = announcer;
  }

  @Override
  public List<EventSource<?, FeatureFlag>> prepareEventSources(EventSourceContext<FeatureFlag> context) {
    flags = context.getPrimaryCache();
    flags.addIndexer(KeyOwnership.INDEX, KeyOwnership::indexKeys);
    metrics.watchFlags(flags::list);

    handOver = new SimpleInboundEventSource<>("key-handover");
    ownership = new KeyOwnership(flags, handOver::propagateEvent);

    String name = settings.configMapName();
    AtomicReference<InformerEventSource<ConfigMap, FeatureFlag>> source = new AtomicReference<>();
    Function<String, Optional<ConfigMap>> cached = namespace -> source.get().get(new ResourceID(name, namespace));
    InformerEventSource<ConfigMap, FeatureFlag> configMaps = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ConfigMap.class, FeatureFlag.class)
            .withName("configmap")
            .withNamespacesInheritedFromController()
            .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", name)))
            .withSecondaryToPrimaryMapper(new ConfigMapDrift(writtenKeys, cached))
            .build(),
        context);
    source.set(configMaps);
    configMap = new ConfigMapKeyWriter(client, name, cached, metrics, writtenKeys);
    consumers = new ConsumerLeases(name, clock, context);
    List<EventSource<?, FeatureFlag>> sources = new ArrayList<>(List.of(configMaps, handOver));
    sources.addAll(consumers.eventSources());
    return sources;
  }

  @Override
  public UpdateControl<FeatureFlag> reconcile(FeatureFlag flag, Context<FeatureFlag> context) {
    // observe
    String namespace = flag.getMetadata().getNamespace();
    String key = flag.flagKey();
    FeatureFlagStatus previous = flag.getStatus();
    metrics.watchConfigMap(namespace, configMap::bytesUsed);
    if (previous != null && previous.getKey() != null && !previous.getKey().equals(key)) {
      release(flag, namespace, previous.getKey());
    }
    String stateInEffect = previous != null && key.equals(previous.getKey()) ? previous.getState() : null;

    // validate: schema rules and key ownership (capacity is checked by the write itself)
    Verdict verdict = refusal(flag, key, stateInEffect);
    boolean wrote = false;
    boolean drifted = false;
    String written = null;
    Instant now = clock.instant();
    RolloutEngine.Decision rollout = null;
    RolloutStatus rolloutStatus = previous == null ? null : previous.getRollout();
    VerificationTerm verification = null;
    if (verdict == null) {
      // compute desired: the entry as written, or the step its rollout has reached
      DesiredState desired = DesiredState.of(flag, settings.environment(), now, analyst);
      rollout = desired.rollout();
      // apply: one key, only when it differs, only when it fits
      try {
        String value = FlagCodec.encode(desired.state());
        drifted = configMap.drifted(namespace, key);
        written = configMap.write(ResourceID.fromResource(flag), namespace, key, value);
        drifted = drifted && written != null;
        wrote = written != null;
        boolean rolledBack = rollout != null && RolloutEngine.ROLLED_BACK.equals(rollout.status().getPhase());
        verdict = Verdict.applied(settings.environment(), desired.state(),
            rolledBack ? Verdict.ROLLED_BACK : Verdict.APPLIED);
        rolloutStatus = rollout == null ? null : rollout.status();
        if (settings.servesVerificationEnvironment()) {
          verification = VerificationTerm.of(settings.environment(), DesiredState.fullyOn(desired.state()),
              previous == null ? null : previous.getFullyOnSince(), flag.getSpec().getVerification(), now);
        }
      } catch (ConfigMapFullException e) {
        verdict = Verdict.refused(FlagEvents.CONFIGMAP_FULL, e.getMessage(), stateInEffect);
        rollout = null;
      }
    }
    if (verification == null && settings.servesVerificationEnvironment() && previous != null
        && previous.getFullyOnSince() != null && !verdict.applied()) {
      // refused: the state in effect has not changed, nor has how long it has been fully on
      verification = VerificationTerm.of(settings.environment(), true, previous.getFullyOnSince(),
          flag.getSpec() == null ? null : flag.getSpec().getVerification(), now);
    }

    // status, with how many consumers serve the value
    FeatureFlagStatus desiredStatus = statuses.desired(flag, key, verdict, rolloutStatus, verification);
    String recorded = previous != null && key.equals(previous.getKey()) ? previous.getConfigMapVersion() : null;
    if (verdict.applied()) {
      String version = PropagatedCondition.version(written, recorded, configMap.cachedVersion(namespace));
      long generation = Objects.requireNonNullElse(flag.getMetadata().getGeneration(), 0L);
      statuses.withPropagation(flag, desiredStatus, version,
          Propagation.of(version, generation, consumers.consumers(flag, version), now));
    } else {
      statuses.withPropagation(flag, desiredStatus, recorded, null);
    }
    Notices notices = notices(flag, previous, verdict, rollout, verification);
    if (drifted) {
      LOG.info("FeatureFlag {}/{}: key {} was changed outside the operator; put back", namespace,
          flag.getMetadata().getName(), key);
      notices.normal(FlagEvents.DRIFT_REPAIRED, "key '" + key + "' of ConfigMap " + settings.configMapName()
          + " was changed or removed outside the operator; its value is put back (change the FeatureFlag instead)");
    }

    // record, then the side effects it makes idempotent
    if (!desiredStatus.equals(previous)) {
      record(flag, context, desiredStatus);
    }
    notices.events().forEach(event -> events.record(flag, event));
    notices.announcements().forEach(announcer::announce);
    metrics.reconciled(outcome(verdict, wrote));
    UpdateControl<FeatureFlag> control = UpdateControl.noUpdate();
    Duration wake = earliest(rollout == null ? null : rollout.requeueAfter(),
        verification == null ? null : verification.wakeAfter());
    return wake == null ? control : control.rescheduleAfter(wake);
  }

  /**
   * Reconciles every FeatureFlag now, as if its timer had fired: for tests that move an injected clock, and for
   * anyone who wants timed work looked at again at once.
   */
  void wakeAll() {
    if (flags != null && handOver != null) {
      flags.list().forEach(flag -> handOver.propagateEvent(ResourceID.fromResource(flag)));
    }
  }

  /** The earlier of two delays (either may be null), never later than {@link #MAX_WAKE}. */
  private static Duration earliest(Duration a, Duration b) {
    Duration wake = a == null ? b : b == null || a.compareTo(b) <= 0 ? a : b;
    return wake == null ? null : wake.compareTo(MAX_WAKE) > 0 ? MAX_WAKE : wake;
  }

  @Override
  public DeleteControl cleanup(FeatureFlag flag, Context<FeatureFlag> context) {
    String namespace = flag.getMetadata().getNamespace();
    try {
      release(flag, namespace, flag.flagKey());
      FeatureFlagStatus status = flag.getStatus();
      if (status != null && status.getKey() != null && !status.getKey().equals(flag.flagKey())) {
        release(flag, namespace, status.getKey());
      }
    } catch (RuntimeException e) {
      metrics.reconciled(Outcome.ERROR);
      LOG.warn("cleanup of FeatureFlag {}/{} failed, will retry: {}", namespace, flag.getMetadata().getName(),
          e.getMessage());
      throw e;
    }
    metrics.reconciled(Outcome.DELETED);
    consumers.forget(flag);
    FeatureFlagStatus status = flag.getStatus();
    String before = status == null ? null : status.getState();
    announcer.announce(Announcement.of(flag, settings.environment(), before, null, Announcement.Why.DELETED, null));
    return DeleteControl.defaultDelete();
  }

  @Override
  public ErrorStatusUpdateControl<FeatureFlag> updateErrorStatus(FeatureFlag flag, Context<FeatureFlag> context,
      Exception e) {
    Throwable conflict = e;
    while (conflict != null && !(conflict instanceof StatusChangedMeanwhile)) {
      conflict = conflict.getCause();
    }
    if (conflict != null) {
      LOG.info("{}", conflict.getMessage());
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    metrics.reconciled(Outcome.ERROR);
    int attempt = context.getRetryInfo().map(info -> info.getAttemptCount() + 1).orElse(1);
    LOG.warn("reconcile of FeatureFlag {}/{} failed (attempt {}), will retry with backoff: {}",
        flag.getMetadata().getNamespace(), flag.getMetadata().getName(), attempt, e.getMessage());
    ApiRefusal.of(e).flatMap(message -> ApiRefusal.status(flag, message, clock.instant())).ifPresent(status -> {
      FeatureFlag copy = new FeatureFlag();
      copy.setMetadata(flag.getMetadata());
      copy.setSpec(flag.getSpec());
      copy.setStatus(status);
      try {
        context.getClient().resource(copy).updateStatus();
      } catch (RuntimeException notRecorded) {
        LOG.debug("could not record the refusal on the status: {}", notRecorded.getMessage());
      }
    });
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  /** Why the flag cannot be applied, or null when it can. */
  private Verdict refusal(FeatureFlag flag, String key, String stateInEffect) {
    List<String> problems = FeatureFlagValidation.problems(flag);
    if (!problems.isEmpty()) {
      return Verdict.refused(FlagEvents.INVALID_SPEC, String.join("; ", problems), stateInEffect);
    }
    FeatureFlag owner = ownership.owner(flag);
    if (!Objects.equals(owner.getMetadata().getName(), flag.getMetadata().getName())) {
      return Verdict.refused(FlagEvents.KEY_CONFLICT, "key '" + key + "' is already written by FeatureFlag "
          + owner.getMetadata().getName() + ", which claimed it first; ConfigMap " + settings.configMapName()
          + " keeps that one's value", null);
    }
    ownership.remindRivals(flag);
    return null;
  }

  /** This flag no longer claims {@code key}: remove it, unless another FeatureFlag takes it over. */
  private void release(FeatureFlag flag, String namespace, String key) {
    List<FeatureFlag> next = ownership.release(flag, namespace, key);
    if (next.isEmpty()) {
      configMap.remove(namespace, key);
    } else {
      LOG.info("key {} in {} passes from FeatureFlag {} to {}", key, namespace, flag.getMetadata().getName(),
          next.get(0).getMetadata().getName());
    }
  }

  /**
   * Replaces the status with optimistic locking (a PUT carrying the resourceVersion this reconcile read), and keeps
   * the result in JOSDK's cache: a consumer's report can trigger the next reconcile within milliseconds, before the
   * informer has seen this write. On a 409 someone else changed the FeatureFlag since it was read; the status computed
   * here may be stale, so it is not written: {@link StatusChangedMeanwhile} makes JOSDK reconcile again from the fresh
   * copy (which it has waited for in its cache), recomputing everything, and nothing that writer changed is lost.
   */
  private static void record(FeatureFlag read, Context<FeatureFlag> context, FeatureFlagStatus status) {
    String readVersion = read.getMetadata().getResourceVersion();
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(read, context, current -> {
      if (!Objects.equals(readVersion, current.getMetadata().getResourceVersion())) {
        throw new StatusChangedMeanwhile(read, current.getMetadata().getResourceVersion());
      }
      return StatusAggregator.withStatus(current, status);
    });
  }

  /**
   * Events, logs and announcements, only for what is new compared with the saved status: a state change (with the
   * rollout's reason for it), a rollout's transitions, the verification term reached, or a refusal not already
   * reported.
   */
  private Notices notices(FeatureFlag flag, FeatureFlagStatus previous, Verdict verdict,
      RolloutEngine.Decision rollout, VerificationTerm verification) {
    Notices notices = new Notices();
    String name = flag.getMetadata().getNamespace() + "/" + flag.getMetadata().getName();
    String environment = settings.environment();
    if (verdict.applied()) {
      String before = previous == null ? null : previous.getState();
      List<RolloutEngine.Transition> transitions = rollout == null ? List.of() : rollout.transitions();
      for (RolloutEngine.Transition t : transitions) {
        LOG.info("FeatureFlag {} rollout in {}: {}", name, environment, t.why());
        switch (t.change()) {
          case ROLLED_BACK: notices.warning(FlagEvents.ROLLED_BACK, environment + ": "
              + rollout.status().getMessage()); break;
          case ANALYSIS_UNAVAILABLE: notices.warning(FlagEvents.ANALYSIS_UNAVAILABLE, environment + ": "
              + t.why()); break;
          case FAILED: notices.warning(FlagEvents.ROLLOUT_FAILED, environment + ": " + t.why()); break;
          default: notices.normal(FlagEvents.ROLLOUT, environment + ": " + t.why());
        }
      }
      if (!Objects.equals(before, verdict.state())) {
        LOG.info("FeatureFlag {} key {}: {} → {}", name, flag.flagKey(), before, verdict.state());
        notices.normal(FlagEvents.STATE_CHANGED, FlagEvents.stateChange(environment, before, verdict.state()));
        notices.announce(Announcement.of(flag, environment, before, verdict.state(), why(transitions),
            transitions.isEmpty() ? null : transitions.get(transitions.size() - 1).why()));
      }
      boolean wasReady = previous != null && Conditions.isTrue(previous.getConditions(), Conditions.READY_FOR_CLEANUP);
      if (verification != null && verification.ready() && !wasReady) {
        LOG.info("FeatureFlag {} ready for cleanup: {}", name, verification.readyMessage());
        notices.normal(FlagEvents.READY_FOR_CLEANUP, verification.readyMessage());
        notices.announce(Announcement.of(flag, environment, verdict.state(), verdict.state(),
            Announcement.Why.READY_FOR_CLEANUP, verification.termWords()));
      }
      return notices;
    }
    Optional<Condition> stalled = previous == null
        ? Optional.empty()
        : Conditions.find(previous.getConditions(), Conditions.STALLED);
    boolean reported = stalled.filter(c -> "True".equals(c.getStatus())
        && verdict.reason().equals(c.getReason()) && verdict.message().equals(c.getMessage())).isPresent();
    if (!reported) {
      LOG.warn("FeatureFlag {} refused ({}): {}", name, verdict.reason(), verdict.message());
      notices.warning(verdict.reason(), verdict.message());
    }
    return notices;
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

  /** The FeatureFlag changed between this reconcile's read and its status write. */
  static final class StatusChangedMeanwhile extends RuntimeException {
    StatusChangedMeanwhile(FeatureFlag read, String now) {
      super("FeatureFlag " + read.getMetadata().getNamespace() + "/" + read.getMetadata().getName()
          + " changed while it was reconciled (resourceVersion " + read.getMetadata().getResourceVersion() + " → "
          + now + "): its status is not written from the stale copy; reconciling again from the fresh one");
    }
  }

  private static Outcome outcome(Verdict verdict, boolean wrote) {
    if (verdict.applied()) {
      return wrote ? Outcome.APPLIED : Outcome.UNCHANGED;
    }
    return FlagEvents.KEY_CONFLICT.equals(verdict.reason()) ? Outcome.CONFLICT : Outcome.STALLED;
  }
}
