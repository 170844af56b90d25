package dev.flagstaff.operator.propagation;

import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Status writes caused only by consumers coming and going (a rolling restart of the endpoint pods) are held back.
 * When a flag stays Propagated at the same generation and only the consumer count moves (3/3 → 4/4 → 3/3), its status
 * is written at most once per window, with the count as it is then, and not at all when the count is back where the
 * saved status has it. Every other change (the value, the generation, Propagated flipping either way) is written at
 * once, with the latest count; {@code kubectl wait --for=condition=Propagated} is never held up.
 */
public final class ConsumerChurn {
  private final Duration window;
  private final Map<ResourceID, Instant> heldSince = new ConcurrentHashMap<>();

  /** @param window how long a count-only change may wait before it is written */
  public ConsumerChurn(Duration window) {
    this.window = window;
  }

  /**
   * Whether to hold back writing {@code next} over {@code saved}.
   *
   * @return empty to go on as usual (write {@code next} if it differs), else how long until the flag should be looked
   *     at again, writing nothing now
   */
  public Optional<Duration> holdBack(ResourceID flag, FeatureFlagStatus saved, FeatureFlagStatus next,
      Instant now) {
    if (!countOnly(saved, next)) {
      heldSince.remove(flag);
      return Optional.empty();
    }
    Instant due = heldSince.computeIfAbsent(flag, f -> now).plus(window);
    if (!now.isBefore(due)) {
      heldSince.remove(flag);
      return Optional.empty();
    }
    return Optional.of(Duration.between(now, due));
  }

  /** The flag is gone. */
  public void forget(ResourceID flag) {
    heldSince.remove(flag);
  }

  /** Whether the two differ, and only in the consumer count, with the flag Propagated in both at one generation. */
  static boolean countOnly(FeatureFlagStatus saved, FeatureFlagStatus next) {
    if (saved == null || next.equals(saved) || !propagated(saved) || !propagated(next)
        || !Objects.equals(saved.getObservedGeneration(), next.getObservedGeneration())) {
      return false;
    }
    return withoutCount(saved).equals(withoutCount(next));
  }

  private static boolean propagated(FeatureFlagStatus status) {
    return status.getConditions() != null && status.getConditions().stream()
        .anyMatch(c -> PropagatedCondition.TYPE.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static FeatureFlagStatus withoutCount(FeatureFlagStatus status) {
    FeatureFlagStatus copy = Serialization.clone(status);
    copy.setConsumers(null);
    copy.setPropagation(null);
    if (copy.getConditions() != null) {
      for (Condition c : copy.getConditions()) {
        if (PropagatedCondition.TYPE.equals(c.getType())) {
          c.setMessage(null); // "3/3 consumers applied generation 7"
        }
      }
    }
    return copy;
  }
}
