package dev.flagstaff.operator.configmap;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Maps a change of the flags ConfigMap to the FeatureFlags that should look again: those whose own key no longer
 * holds the value the operator wrote for them (someone edited or removed it, or deleted the ConfigMap), and those
 * waiting for space in it. The operator's own writes, and every other flag, wake nothing.
 */
public final class ConfigMapDrift implements SecondaryToPrimaryMapper<ConfigMap> {
  private final WrittenKeys written;
  private final Function<String, Optional<ConfigMap>> current;

  /** @param current the ConfigMap of a namespace as the informer holds it now (empty once deleted) */
  public ConfigMapDrift(WrittenKeys written, Function<String, Optional<ConfigMap>> current) {
    this.written = written;
    this.current = current;
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(ConfigMap changed) {
    boolean deleted = current.apply(changed.getMetadata().getNamespace()).isEmpty();
    return written.changed(changed, deleted);
  }
}
