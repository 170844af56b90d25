package dev.flagstaff.operator;

import dev.flagstaff.operator.status.ApiRefusal;
import dev.flagstaff.operator.status.StatusAggregator;
import dev.flagstaff.operator.status.StatusWrite;
import dev.flagstaff.operator.status.Verdict;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.api.v1alpha1.FeatureFlagValidation;
import dev.flagstaff.operator.announce.Announcement;
import dev.flagstaff.operator.configmap.ConfigMapDrift;
import dev.flagstaff.operator.configmap.ConfigMapKeyWriter;
import dev.flagstaff.operator.configmap.KeyOwnership;
import dev.flagstaff.operator.configmap.ConfigMapKeyWriter.ConfigMapFullException;
import dev.flagstaff.operator.configmap.WrittenKeys;
import dev.flagstaff.operator.announce.Announcer;
import dev.flagstaff.operator.propagation.ConsumerChurn;
import dev.flagstaff.operator.propagation.ConsumerLeases;
import dev.flagstaff.operator.propagation.PropagatedCondition;
import dev.flagstaff.operator.propagation.Propagation;
import dev.flagstaff.operator.rollout.AnalysisRuns;
import dev.flagstaff.operator.rollout.Analyst;
import dev.flagstaff.operator.OperatorMetrics.Outcome;
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
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FeatureFlag → its key in the environment's ConfigMap. {@link #reconcile} reads as its steps: observe (the flag,
 * its saved status, its key in the cached ConfigMap), validate (schema rules, key ownership), plan ({@link
 * FlagPlanner}: the value, the verdict, the Events and announcements, when to wake), apply (one key, only when it
 * differs; a ConfigMap without room turns the plan into a refusal; a due analysis is started, not waited for),
 * record (the status built once from the plan, then the notices it records).
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

  private final OperatorSettings settings;
  private final KubernetesClient client;
  private final OperatorMetrics metrics;
  private final FlagEvents events;
  private final StatusAggregator statuses;
  private final Clock clock;
  private final FlagPlanner planner;
  private final Announcer announcer;
  private ConfigMapKeyWriter configMap;
  private KeyOwnership ownership;
  private IndexerResourceCache<FeatureFlag> flags;
  private SimpleInboundEventSource<FeatureFlag> handOver;
  /** An analysis run has answered: its flag is reconciled again, and that reconcile uses the result. */
  private final SimpleInboundEventSource<FeatureFlag> analysisAnswers = new SimpleInboundEventSource<>("analysis");
  private final AnalysisRuns<ResourceID> analyses;
  private ConsumerLeases consumers;
  private final WrittenKeys writtenKeys = new WrittenKeys();
  /** Count-only status changes (consumers coming and going) wait up to this long, and are written once. */
  private final ConsumerChurn churn = new ConsumerChurn(Duration.ofSeconds(10));

  /**
   * @param clock the operator's only source of time: rollout steps, analysis intervals, the verification term
   * @param analyst runs a rollout's Prometheus checks, off the reconcile: their answer wakes the flag
   */
  FeatureFlagReconciler(OperatorSettings settings, KubernetesClient client, OperatorMetrics metrics,
      FlagEvents events, StatusAggregator statuses, Clock clock, Analyst analyst,
      Announcer announcer) {
    this.settings = settings;
    this.client = client;
    this.metrics = metrics;
    this.events = events;
    this.statuses = statuses;
    this.clock = clock;
    this.planner = new FlagPlanner(settings.environment(), settings.servesVerificationEnvironment(),
        settings.configMapName());
    this.analyses = new AnalysisRuns<>(analyst, analysisAnswers::propagateEvent);
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
            // Each flag's ConfigMap is its namespace's: said here, JOSDK keeps no index of its own from the mapper
            // above, which it would otherwise call a second time per ConfigMap event (a scan of every key written)
            .withPrimaryToSecondaryMapper(
                (FeatureFlag flag) -> Set.of(new ResourceID(name, flag.getMetadata().getNamespace())))
            .build(),
        context);
    source.set(configMaps);
    configMap = new ConfigMapKeyWriter(client, name, cached, metrics::configMapWritten, writtenKeys);
    consumers = new ConsumerLeases(name, clock, context);
    List<EventSource<?, FeatureFlag>> sources = new ArrayList<>(List.of(configMaps, handOver, analysisAnswers));
    sources.addAll(consumers.eventSources());
    return sources;
  }

  @Override
  public UpdateControl<FeatureFlag> reconcile(FeatureFlag flag, Context<FeatureFlag> context) {
    Observation observed = observe(flag);
    Verdict refusal = validate(observed);
    FlagPlan plan = planner.plan(observed, refusal);
    String written = null;
    if (plan.value() != null) {
      try {
        written = configMap.write(ResourceID.fromResource(flag), flag.getMetadata().getNamespace(), observed.key(),
            plan.value());
      } catch (ConfigMapFullException e) {
        plan = planner.plan(observed, Verdict.refused(FlagEvents.CONFIGMAP_FULL, e.getMessage(),
            observed.stateInEffect()));
      }
    }
    if (plan.analysisNeeded() != null) {
      analyses.start(ResourceID.fromResource(flag), plan.analysisNeeded()); // returns at once; the answer wakes it
    }
    Duration held = record(observed, plan, written, context);
    metrics.reconciled(outcome(plan.verdict(), written != null));
    Duration wake = plan.wake() == null || (held != null && held.compareTo(plan.wake()) < 0) ? held : plan.wake();
    return wake == null ? UpdateControl.noUpdate() : UpdateControl.<FeatureFlag>noUpdate().rescheduleAfter(wake);
  }

  /** The flag, its saved status and its key as the cached ConfigMap holds it; a key it left is released. */
  private Observation observe(FeatureFlag flag) {
    String namespace = flag.getMetadata().getNamespace();
    String key = flag.flagKey();
    FeatureFlagStatus previous = flag.getStatus();
    metrics.watchConfigMap(namespace, configMap::bytesUsed);
    if (previous != null && previous.getKey() != null && !previous.getKey().equals(key)) {
      release(flag, namespace, previous.getKey());
    }
    return new Observation(flag, key, configMap.currentValue(namespace, key).orElse(null),
        configMap.drifted(namespace, key), clock.instant(), analyses.finished(ResourceID.fromResource(flag)));
  }

  /**
   * The status built from the plan, saved when it differs from the one the resource carries (a change of the consumer
   * count alone is held back: {@link ConsumerChurn}); then the Events and announcements that status records.
   *
   * @return how long a held-back status waits before the flag is looked at again, or null when none is held
   */
  private Duration record(Observation observed, FlagPlan plan, String written, Context<FeatureFlag> context) {
    FeatureFlag flag = observed.flag();
    String namespace = flag.getMetadata().getNamespace();
    FeatureFlagStatus status;
    if (plan.verdict().applied()) {
      String version = PropagatedCondition.version(written, observed.recordedVersion(),
          configMap.cachedVersion(namespace));
      long generation = Objects.requireNonNullElse(flag.getMetadata().getGeneration(), 0L);
      status = statuses.status(flag, observed.key(), plan, version,
          Propagation.of(version, generation, consumers.consumers(flag, version), observed.now(),
              PropagatedCondition.heldBy(observed.previous(), version, generation)));
    } else {
      status = statuses.status(flag, observed.key(), plan, observed.recordedVersion(), null);
    }
    Duration held = churn.holdBack(ResourceID.fromResource(flag), observed.previous(), status, observed.now())
        .orElse(null);
    if (held == null && !status.equals(observed.previous())) {
      StatusWrite.save(flag, context, status);
    }
    for (Notices.Event event : plan.events()) {
      if ("Warning".equals(event.type())) {
        LOG.warn("FeatureFlag {} in {}: {}: {}", observed.name(), settings.environment(), event.reason(),
            event.message());
      } else {
        LOG.info("FeatureFlag {} in {}: {}: {}", observed.name(), settings.environment(), event.reason(),
            event.message());
      }
      events.record(flag, event);
    }
    plan.announcements().forEach(announcer::announce);
    return held;
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
    analyses.forget(ResourceID.fromResource(flag));
    churn.forget(ResourceID.fromResource(flag));
    FeatureFlagStatus status = flag.getStatus();
    String before = status == null ? null : status.getState();
    announcer.announce(Announcement.of(flag, settings.environment(), before, null, Announcement.Why.DELETED, null));
    return DeleteControl.defaultDelete();
  }

  @Override
  public ErrorStatusUpdateControl<FeatureFlag> updateErrorStatus(FeatureFlag flag, Context<FeatureFlag> context,
      Exception e) {
    Optional<Throwable> conflict = StatusWrite.changedMeanwhile(e);
    if (conflict.isPresent()) {
      LOG.info("{}", conflict.get().getMessage());
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    metrics.reconciled(Outcome.ERROR);
    int attempt = context.getRetryInfo().map(info -> info.getAttemptCount() + 1).orElse(1);
    LOG.warn("reconcile of FeatureFlag {}/{} failed (attempt {}), will retry with backoff: {}",
        flag.getMetadata().getNamespace(), flag.getMetadata().getName(), attempt, e.getMessage());
    ApiRefusal.of(e).flatMap(message -> ApiRefusal.status(flag, message, clock.instant()))
        .ifPresent(status -> StatusWrite.saveIfPossible(flag, context, status));
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  /** Why the flag cannot be applied (schema rules, key ownership; capacity is the write's to tell), or null. */
  private Verdict validate(Observation observed) {
    FeatureFlag flag = observed.flag();
    String key = observed.key();
    List<String> problems = FeatureFlagValidation.problems(flag);
    if (!problems.isEmpty()) {
      return Verdict.refused(FlagEvents.INVALID_SPEC, String.join("; ", problems), observed.stateInEffect());
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

  private static Outcome outcome(Verdict verdict, boolean wrote) {
    if (verdict.applied()) {
      return wrote ? Outcome.APPLIED : Outcome.UNCHANGED;
    }
    return FlagEvents.KEY_CONFLICT.equals(verdict.reason()) ? Outcome.CONFLICT : Outcome.STALLED;
  }
}
