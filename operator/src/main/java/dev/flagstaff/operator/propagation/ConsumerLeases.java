package dev.flagstaff.operator.propagation;

import static dev.flagstaff.runtime.ConsumerLeaseNames.APPLIED_VERSION;
import static dev.flagstaff.runtime.ConsumerLeaseNames.CONSUMER_LABEL;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The consumers of the flags ConfigMap, as their Leases say: an informer on the Leases labelled
 * {@code flagstaff.dev/consumer=<configmap>} in the watched namespaces, and the events that bring a FeatureFlag's
 * {@code Propagated} condition up to date.
 *
 * <p>Renewals are not events: a Lease update is one only when the applied version (or the duration) changes, or when
 * an expired Lease comes back; it then maps to the flags in its namespace whose count it changes. A Lease that
 * expires makes no API event: {@link LeaseExpiry} checks at the earliest expiry instead.
 */
public final class ConsumerLeases {
  private final Clock clock;
  private final IndexerResourceCache<FeatureFlag> flags;
  private final InformerEventSource<Lease, FeatureFlag> informer;
  private final LeaseExpiry expiry;
  /** The state before the update being propagated, kept by the update filter for the mapper that runs next. */
  private final Map<ResourceID, Lease> before = new ConcurrentHashMap<>();
  /** The ConfigMap version each flag was last measured at, set by the reconciler before it reads the Leases. */
  private final Map<ResourceID, String> measuredAt = new ConcurrentHashMap<>();

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
            // The reconciler reads consumers(flag, version); no per-flag index of Leases is kept.
            .withPrimaryToSecondaryMapper(flag -> leaseIds(flag.getMetadata().getNamespace()))
            .build(),
        context);
    // started and synced before the expiry timer, which reads its cache when it starts
    informer.setEventSourcePriority(EventSourceStartPriority.RESOURCE_STATE_LOADER);
  }

  public List<EventSource<?, FeatureFlag>> eventSources() {
    return List.of(informer, expiry);
  }

  /**
   * The consumers in the flag's namespace, live or not (the cache as last seen), to measure the flag at
   * {@code version}; remembers that version, so that a Lease event arriving meanwhile maps to this flag.
   */
  public List<Propagation.Consumer> consumers(FeatureFlag flag, String version) {
    ResourceID id = ResourceID.fromResource(flag);
    if (version == null) {
      measuredAt.remove(id);
    } else {
      measuredAt.put(id, version);
    }
    return informer.list(flag.getMetadata().getNamespace(), lease -> true).map(ConsumerLeases::consumer).toList();
  }

  /** The flag is gone: forget the version it was measured at. */
  public void forget(FeatureFlag flag) {
    measuredAt.remove(ResourceID.fromResource(flag));
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
    this.before.put(ResourceID.fromResource(after), before);
    Instant now = clock.instant();
    return !Objects.equals(consumer(after).appliedVersion(), consumer(before).appliedVersion())
        || !Objects.equals(after.getSpec() == null ? null : after.getSpec().getLeaseDurationSeconds(),
            before.getSpec() == null ? null : before.getSpec().getLeaseDurationSeconds())
        || consumer(after).liveAt(now) != consumer(before).liveAt(now);
  }

  /**
   * The flags whose count this Lease event changes. A Lease that appears, goes away or comes back to life changes every
   * flag's total in its namespace. A new applied version changes the flags measured at a version the consumer had not
   * applied before and has now: {@code before < version <= after}.
   *
   * <p>The version each flag is measured at comes from the reconciler ({@link #consumers(FeatureFlag, String)}), set
   * before it reads this cache; the status in the primary cache can lag behind a reconcile in flight, and an event
   * filtered on it could be lost.
   */
  private Set<ResourceID> flagsToReconcile(Lease lease) {
    expiry.consider(expiresAt(lease));
    String namespace = lease.getMetadata().getNamespace();
    ResourceID id = ResourceID.fromResource(lease);
    Lease prior = before.remove(id);
    boolean gone = informer.get(id).isEmpty();
    Stream<FeatureFlag> inNamespace = flags.list(namespace);
    String after = consumer(lease).appliedVersion();
    String applied = prior == null ? null : consumer(prior).appliedVersion();
    if (gone || prior == null || !consumer(prior).liveAt(clock.instant()) || Objects.equals(applied, after)) {
      // appeared, went away, came back to life, or changed its duration: every total changes
      return inNamespace.map(ResourceID::fromResource).collect(Collectors.toSet());
    }
    return inNamespace
        .filter(flag -> {
          String version = measuredAt.get(ResourceID.fromResource(flag));
          if (version == null && flag.getStatus() != null) {
            version = flag.getStatus().getConfigMapVersion();
          }
          return version == null
              || Propagation.hasApplied(after, version) != Propagation.hasApplied(applied, version);
        })
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
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
