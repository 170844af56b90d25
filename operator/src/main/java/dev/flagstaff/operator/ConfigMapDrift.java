package dev.flagstaff.operator;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Maps a change of the flags ConfigMap to the FeatureFlags that should look again: those of its namespace whose
 * key is missing from it (someone removed the key, or deleted the ConfigMap). A flag whose key is present is left
 * alone, so the operator's own writes do not fan out into reconciles of every flag.
 */
final class ConfigMapDrift implements SecondaryToPrimaryMapper<ConfigMap> {
  private final Function<String, Stream<FeatureFlag>> flagsInNamespace;
  private final Function<String, Optional<ConfigMap>> current;

  /**
   * @param flagsInNamespace the FeatureFlags of a namespace, from the informer cache
   * @param current the ConfigMap of a namespace as the informer holds it now (empty once deleted)
   */
  ConfigMapDrift(Function<String, Stream<FeatureFlag>> flagsInNamespace,
      Function<String, Optional<ConfigMap>> current) {
    this.flagsInNamespace = flagsInNamespace;
    this.current = current;
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(ConfigMap changed) {
    String namespace = changed.getMetadata().getNamespace();
    Map<String, String> data = current.apply(namespace).map(ConfigMap::getData).orElse(Map.of());
    return flagsInNamespace.apply(namespace)
        .filter(flag -> !flag.isMarkedForDeletion() && !data.containsKey(flag.flagKey()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
