package dev.flagstaff.operator;

import dev.flagstaff.operator.status.Conditions;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.flags.FlagCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Flagstaff's own metrics, beside JOSDK's {@code operator_sdk_*}: reconciles by outcome, flags by state (from
 * the informer cache, so they are right after a restart), ConfigMap bytes used against the 1 MiB limit.
 */
final class OperatorMetrics {
  /** What one reconcile ended in: the {@code outcome} label of {@code flagstaff_reconciles_total}. */
  enum Outcome { APPLIED, UNCHANGED, STALLED, CONFLICT, ERROR, DELETED }

  /** The {@code state} label of {@code flagstaff_flags}. */
  enum FlagClass { ENABLED, DISABLED, PARTIAL, STALLED }

  private final MeterRegistry registry;
  private final Set<String> configMapNamespaces = ConcurrentHashMap.newKeySet();
  private final Counter patches;

  OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Outcome outcome : Outcome.values()) {
      reconciles(outcome);
    }
    patches = Counter.builder("flagstaff.configmap.patches")
        .description("Writes to the flags ConfigMap (create, add or change a key, remove a key)")
        .register(registry);
    Gauge.builder("flagstaff.configmap.limit.bytes", () -> FlagCodec.CONFIGMAP_LIMIT_BYTES)
        .description("The most a ConfigMap's data may hold")
        .register(registry);
  }

  void reconciled(Outcome outcome) {
    reconciles(outcome).increment();
  }

  void configMapWritten() {
    patches.increment();
  }

  /** Counts the flags of {@code flags} (the informer cache) by their status, on each scrape. */
  void watchFlags(Supplier<Stream<FeatureFlag>> flags) {
    for (FlagClass flagClass : FlagClass.values()) {
      Gauge.builder("flagstaff.flags", () -> flags.get().filter(f -> classify(f) == flagClass).count())
          .description("FeatureFlags by the state this operator resolved (stalled: refused with Stalled=True)")
          .tag("state", label(flagClass))
          .register(registry);
    }
    Gauge.builder("flagstaff.flags.ready.for.cleanup", () -> flags.get()
            .filter(f -> f.getStatus() != null
                && Conditions.isTrue(f.getStatus().getConditions(), Conditions.READY_FOR_CLEANUP))
            .count())
        .description("FeatureFlags fully on in the verification environment for their verification term: "
            + "remove them from the code, then delete them")
        .register(registry);
  }

  /** Reports the bytes used by the ConfigMap of {@code namespace}; idempotent. */
  void watchConfigMap(String namespace, ToLongFunction<String> bytesUsed) {
    if (!configMapNamespaces.add(namespace)) {
      return;
    }
    Gauge.builder("flagstaff.configmap.bytes", () -> bytesUsed.applyAsLong(namespace))
        .description("Bytes used by the flags ConfigMap's data (the limit is flagstaff_configmap_limit_bytes)")
        .tag("namespace", namespace)
        .register(registry);
  }

  static FlagClass classify(FeatureFlag flag) {
    if (flag.getStatus() == null) {
      return null;
    }
    if (Conditions.isTrue(flag.getStatus().getConditions(), Conditions.STALLED)) {
      return FlagClass.STALLED;
    }
    String state = flag.getStatus().getState();
    if (state == null) {
      return null;
    }
    switch (state) {
      case "Enabled": return FlagClass.ENABLED;
      case "Disabled": return FlagClass.DISABLED;
      default: return FlagClass.PARTIAL;
    }
  }

  /** {@code flagstaff_events_total{result=recorded|failed|dropped}}: the Events the operator sent, by outcome. */
  EventSender.Outcomes events() {
    Counter recorded = events("recorded");
    Counter failed = events("failed");
    Counter dropped = events("dropped");
    return new EventSender.Outcomes() {
      @Override
      public void recorded() {
        recorded.increment();
      }

      @Override
      public void failed() {
        failed.increment();
      }

      @Override
      public void dropped() {
        dropped.increment();
      }
    };
  }

  private Counter events(String result) {
    return Counter.builder("flagstaff.events")
        .description("Kubernetes Events on FeatureFlags: recorded, failed (refused, or the API server unavailable "
            + "through every retry) or dropped (too many waiting)")
        .tag("result", result)
        .register(registry);
  }

  private Counter reconciles(Outcome outcome) {
    return Counter.builder("flagstaff.reconciles")
        .description("FeatureFlag reconciles by outcome")
        .tag("outcome", label(outcome))
        .register(registry);
  }

  private static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
