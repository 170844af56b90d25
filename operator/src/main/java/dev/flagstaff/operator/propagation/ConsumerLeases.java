package dev.flagstaff.operator.propagation;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.EventSourceStartPriority;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The consumers of the flags ConfigMap, as their Leases say: an informer on the Leases labelled
 * {@code flagstaff.dev/consumer=<configmap>} in the watched namespaces, and the events that bring a FeatureFlag's
 * {@code Propagated} condition up to date.
 *
 * <p>Renewals are not events: a Lease update is one only when the applied version (or the duration) changes, or when
 * an expired Lease comes back. A Lease that appears or goes away, or whose new version changes a flag's count, maps to
 * the flags in its namespace whose recorded count it would change. A Lease that expires makes no API event:
 * {@link LeaseExpiry} checks at the earliest expiry instead.
 */
public final class ConsumerLeases {
  /** Set by each endpoint pod; the value is the ConfigMap's name. */
  public static final String CONSUMER_LABEL = "flagstaff.dev/consumer";
  /** The resourceVersion of the flags ConfigMap the pod serves. */
  public static final String APPLIED_VERSION = "flagstaff.dev/applied-configmap-version";

  private final Clock clock;
  private final IndexerResourceCache<FeatureFlag> flags;
  private final InformerEventSource<Lease, FeatureFlag> informer;
  private final LeaseExpiry expiry;

  /** @param configMap the flags ConfigMap's name: the label value consumers set */
  public ConsumerLeases(String configMap, Clock clock, EventSourceContext<FeatureFlag> context) {
    this.clock = clock;
    this.flags = context.getPrimaryCache();
    this.expiry = new LeaseExpiry(clock, this::expiredSince, this::nextExpiryAfter);
    this.informer = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Lease.class, FeatureFlag.class)
            .withName("consumer-leases")
            .withNamespacesInheritedFromController()
            .withLabelSelector(CONSUMER_LABEL + "=" + configMap)
            .withOnUpdateFilter(this::isNews)
            .withSecondaryToPrimaryMapper(this::flagsToReconcile)
            // The reconciler reads consumers(namespace); no per-flag index of Leases is kept.
            .withPrimaryToSecondaryMapper(flag -> leaseIds(flag.getMetadata().getNamespace()))
            .build(),
        context);
    // started and synced before the expiry timer, which reads its cache when it starts
    informer.setEventSourcePriority(EventSourceStartPriority.RESOURCE_STATE_LOADER);
  }

  public List<EventSource<?, FeatureFlag>> eventSources() {
    return List.of(informer, expiry);
  }

  /** The consumers in {@code namespace}, live or not (the cache as last seen). */
  public List<Propagation.Consumer> consumers(String namespace) {
    return informer.list(namespace, lease -> true).map(ConsumerLeases::consumer).toList();
  }

  public static Propagation.Consumer consumer(Lease lease) {
    Map<String, String> annotations = lease.getMetadata().getAnnotations();
    String version = annotations == null ? null : annotations.get(APPLIED_VERSION);
    LeaseSpec spec = lease.getSpec();
    String holder = spec == null || spec.getHolderIdentity() == null
        ? lease.getMetadata().getName() : spec.getHolderIdentity();
    return new Propagation.Consumer(holder, version, expiresAt(lease));
  }

  /** {@code renewTime} (else {@code acquireTime}) plus {@code leaseDurationSeconds}; {@code null} when unknown. */
  static Instant expiresAt(Lease lease) {
    LeaseSpec spec = lease.getSpec();
    if (spec == null || spec.getLeaseDurationSeconds() == null) {
      return null;
    }
    var renewed = spec.getRenewTime() != null ? spec.getRenewTime() : spec.getAcquireTime();
    return renewed == null ? null : renewed.toInstant().plusSeconds(spec.getLeaseDurationSeconds());
  }

  /** A renewal is not news; a new applied version, a new duration, or an expired Lease coming back is. */
  private boolean isNews(Lease after, Lease before) {
    Instant now = clock.instant();
    return !Objects.equals(consumer(after).appliedVersion(), consumer(before).appliedVersion())
        || !Objects.equals(after.getSpec() == null ? null : after.getSpec().getLeaseDurationSeconds(),
            before.getSpec() == null ? null : before.getSpec().getLeaseDurationSeconds())
        || consumer(after).liveAt(now) != consumer(before).liveAt(now);
  }

  /**
   * The flags in the Lease's namespace whose recorded count this Lease may change: those not Propagated, those that
   * counted a different number of live consumers than there are now, and those this consumer has not applied.
   */
  private Set<ResourceID> flagsToReconcile(Lease lease) {
    expiry.consider(expiresAt(lease));
    String namespace = lease.getMetadata().getNamespace();
    Instant now = clock.instant();
    long live = consumers(namespace).stream().filter(c -> c.liveAt(now)).count();
    String applied = consumer(lease).appliedVersion();
    return flags.list(namespace)
        .filter(flag -> mayChange(flag.getStatus(), live, applied))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** Whether a consumer serving {@code applied}, among {@code live} live ones, may change what the status says. */
  private static boolean mayChange(FeatureFlagStatus status, long live, String applied) {
    if (status == null || status.getConsumers() == null || status.getConsumers().getTotal() != live) {
      return true;
    }
    boolean propagated = status.getConditions() != null && status.getConditions().stream()
        .anyMatch(c -> PropagatedCondition.TYPE.equals(c.getType()) && "True".equals(c.getStatus()));
    return !propagated || !Propagation.hasApplied(applied, status.getConfigMapVersion());
  }

  /** Called by {@link LeaseExpiry}: the flags of namespaces where a Lease expired in {@code (since, now]}. */
  private Set<ResourceID> expiredSince(Instant since, Instant now) {
    Set<String> namespaces = informer.list(lease -> {
      Instant at = expiresAt(lease);
      return at != null && at.isAfter(since) && !at.isAfter(now);
    }).map(lease -> lease.getMetadata().getNamespace()).collect(Collectors.toSet());
    return namespaces.stream().flatMap(flags::list).map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  /** The next time a Lease in the cache expires after {@code now}, if any. */
  Instant nextExpiryAfter(Instant now) {
    return informer.list(lease -> true).map(ConsumerLeases::expiresAt)
        .filter(at -> at != null && at.isAfter(now)).min(Instant::compareTo).orElse(null);
  }

  private Set<ResourceID> leaseIds(String namespace) {
    return informer.list(namespace, lease -> true).map(ResourceID::fromResource).collect(Collectors.toSet());
  }
}
