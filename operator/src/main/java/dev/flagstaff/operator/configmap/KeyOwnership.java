package dev.flagstaff.operator.configmap;

import dev.flagstaff.operator.FlagEvents;
import dev.flagstaff.operator.status.Conditions;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Who may write a key. Among the FeatureFlags of one namespace that resolve to the same key, the oldest
 * (creationTimestamp, then name) that is not being deleted owns it; the others are refused. Computed from the
 * informer cache through an index on namespace/key, so a restart reaches the same answer.
 */
public final class KeyOwnership {
  public static final String INDEX = "flagstaff.dev/namespace-key";

  private static final Comparator<FeatureFlag> FIRST_CLAIM =
      Comparator.comparing(KeyOwnership::createdAt).thenComparing(f -> f.getMetadata().getName());

  private final IndexedResourceCache<FeatureFlag> cache;
  private final Consumer<ResourceID> reconcile;

  /** @param reconcile asks for a FeatureFlag to be reconciled (it may take over a released key) */
  public KeyOwnership(IndexedResourceCache<FeatureFlag> cache, Consumer<ResourceID> reconcile) {
    this.cache = cache;
    this.reconcile = reconcile;
  }

  /** The index function: each FeatureFlag under namespace/key. */
  public static List<String> indexKeys(FeatureFlag flag) {
    return List.of(indexKey(flag.getMetadata().getNamespace(), flag.flagKey()));
  }

  /** The owner of {@code flag}'s key, {@code flag} itself included among the claimants. */
  public FeatureFlag owner(FeatureFlag flag) {
    String key = flag.flagKey();
    return claimants(flag.getMetadata().getNamespace(), key, flag).stream()
        .filter(other -> !other.isMarkedForDeletion())
        .min(FIRST_CLAIM)
        .orElse(flag);
  }

  /**
   * {@code owner} has just claimed its key: reconcile the other claimants that do not yet know they are refused (a
   * rival created in the same instant may have been reconciled before the owner was in the cache).
   */
  public void remindRivals(FeatureFlag owner) {
    claimants(owner.getMetadata().getNamespace(), owner.flagKey(), null).stream()
        .filter(other -> !sameResource(other, owner) && !other.isMarkedForDeletion() && !knowsItIsRefused(other))
        .forEach(other -> reconcile.accept(ResourceID.fromResource(other)));
  }

  private static boolean knowsItIsRefused(FeatureFlag flag) {
    return flag.getStatus() != null && Conditions.find(flag.getStatus().getConditions(), Conditions.STALLED)
        .filter(c -> "True".equals(c.getStatus()) && FlagEvents.KEY_CONFLICT.equals(c.getReason()))
        .isPresent();
  }

  /**
   * {@code flag} no longer claims {@code key} (deleted, or its key changed): the other claimants still alive, oldest
   * first. The caller removes the key when there are none; otherwise they are reconciled so the next one takes over.
   */
  public List<FeatureFlag> release(FeatureFlag flag, String namespace, String key) {
    List<FeatureFlag> others = claimants(namespace, key, null).stream()
        .filter(other -> !sameResource(other, flag) && !other.isMarkedForDeletion())
        .sorted(FIRST_CLAIM)
        .collect(Collectors.toList());
    others.forEach(other -> reconcile.accept(ResourceID.fromResource(other)));
    return others;
  }

  private List<FeatureFlag> claimants(String namespace, String key, FeatureFlag self) {
    List<FeatureFlag> indexed = cache.byIndex(INDEX, indexKey(namespace, key)).stream()
        .filter(other -> key.equals(other.flagKey()))
        .collect(Collectors.toList());
    if (self != null) {
      indexed.removeIf(other -> sameResource(other, self));
      if (!self.isMarkedForDeletion()) {
        indexed.add(self);
      }
    }
    return indexed;
  }

  private static boolean sameResource(FeatureFlag a, FeatureFlag b) {
    return Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
        && Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
  }

  private static String indexKey(String namespace, String key) {
    return namespace + "/" + key;
  }

  private static Instant createdAt(FeatureFlag flag) {
    String created = flag.getMetadata().getCreationTimestamp();
    if (created == null) {
      return Instant.MAX;
    }
    try {
      return Instant.parse(created);
    } catch (DateTimeParseException e) {
      return Instant.MAX;
    }
  }
}
