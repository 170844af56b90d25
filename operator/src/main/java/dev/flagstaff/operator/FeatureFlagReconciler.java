package dev.flagstaff.operator;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.api.v1alpha1.FeatureFlagValidation;
import dev.flagstaff.api.v1alpha1.FlagResolution;
import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.flags.FlagState;
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
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
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
 * error is thrown so that JOSDK retries with backoff. No periodic resync: nothing happens while nothing changes.
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
  private ConfigMapKeyWriter configMap;
  private KeyOwnership ownership;

  FeatureFlagReconciler(OperatorSettings settings, KubernetesClient client, OperatorMetrics metrics,
      FlagEvents events, StatusAggregator statuses) {
    this.settings = settings;
    this.client = client;
    this.metrics = metrics;
    this.events = events;
    this.statuses = statuses;
  }

  @Override
  public List<EventSource<?, FeatureFlag>> prepareEventSources(EventSourceContext<FeatureFlag> context) {
    IndexerResourceCache<FeatureFlag> flags = context.getPrimaryCache();
    flags.addIndexer(KeyOwnership.INDEX, KeyOwnership::indexKeys);
    metrics.watchFlags(flags::list);

    SimpleInboundEventSource<FeatureFlag> handOver = new SimpleInboundEventSource<>("key-handover");
    ownership = new KeyOwnership(flags, handOver::propagateEvent);

    String name = settings.configMapName();
    AtomicReference<InformerEventSource<ConfigMap, FeatureFlag>> source = new AtomicReference<>();
    Function<String, Optional<ConfigMap>> cached = namespace -> source.get().get(new ResourceID(name, namespace));
    InformerEventSource<ConfigMap, FeatureFlag> configMaps = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ConfigMap.class, FeatureFlag.class)
            .withName("configmap")
            .withNamespacesInheritedFromController()
            .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", name)))
            .withSecondaryToPrimaryMapper(new ConfigMapDrift(flags::list, cached))
            .build(),
        context);
    source.set(configMaps);
    configMap = new ConfigMapKeyWriter(client, name, cached, metrics);
    return List.of(configMaps, handOver);
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
    if (verdict == null) {
      // compute desired
      FlagState desired = FlagResolution.resolve(flag, settings.environment());
      // apply: one key, only when it differs, only when it fits
      try {
        wrote = configMap.put(namespace, key, FlagCodec.encode(desired));
        verdict = Verdict.applied(settings.environment(), desired);
      } catch (ConfigMapFullException e) {
        verdict = Verdict.refused(FlagEvents.CONFIGMAP_FULL, e.getMessage(), stateInEffect);
      }
    }

    // status
    FeatureFlagStatus desiredStatus = statuses.desired(flag, key, verdict);
    announce(flag, previous, verdict);
    metrics.reconciled(outcome(verdict, wrote));
    FeatureFlag patch = StatusAggregator.patchOrNull(flag, desiredStatus);
    return patch == null ? UpdateControl.noUpdate() : UpdateControl.patchStatus(patch);
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
    return DeleteControl.defaultDelete();
  }

  @Override
  public ErrorStatusUpdateControl<FeatureFlag> updateErrorStatus(FeatureFlag flag, Context<FeatureFlag> context,
      Exception e) {
    metrics.reconciled(Outcome.ERROR);
    int attempt = context.getRetryInfo().map(info -> info.getAttemptCount() + 1).orElse(1);
    LOG.warn("reconcile of FeatureFlag {}/{} failed (attempt {}), will retry with backoff: {}",
        flag.getMetadata().getNamespace(), flag.getMetadata().getName(), attempt, e.getMessage());
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

  /** Events and logs, only for what is new: a state change, or a refusal not already reported. */
  private void announce(FeatureFlag flag, FeatureFlagStatus previous, Verdict verdict) {
    String name = flag.getMetadata().getNamespace() + "/" + flag.getMetadata().getName();
    if (verdict.applied()) {
      String before = previous == null ? null : previous.getState();
      if (!Objects.equals(before, verdict.state())) {
        LOG.info("FeatureFlag {} key {}: {} → {}", name, flag.flagKey(), before, verdict.state());
        events.stateChanged(flag, settings.environment(), before, verdict.state());
      }
      return;
    }
    Optional<Condition> stalled = previous == null
        ? Optional.empty()
        : Conditions.find(previous.getConditions(), Conditions.STALLED);
    boolean reported = stalled.filter(c -> "True".equals(c.getStatus())
        && verdict.reason().equals(c.getReason()) && verdict.message().equals(c.getMessage())).isPresent();
    if (!reported) {
      LOG.warn("FeatureFlag {} refused ({}): {}", name, verdict.reason(), verdict.message());
      events.warning(flag, verdict.reason(), verdict.message());
    }
  }

  private static Outcome outcome(Verdict verdict, boolean wrote) {
    if (verdict.applied()) {
      return wrote ? Outcome.APPLIED : Outcome.UNCHANGED;
    }
    return FlagEvents.KEY_CONFLICT.equals(verdict.reason()) ? Outcome.CONFLICT : Outcome.STALLED;
  }
}
