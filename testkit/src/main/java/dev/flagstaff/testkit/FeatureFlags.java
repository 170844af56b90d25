package dev.flagstaff.testkit;

import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagSpec;
import dev.flagstaff.flags.Strategy;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/** FeatureFlags for tests, in the words of the spec: a flag taking a user actor, and its environments' states. */
public final class FeatureFlags {
  private FeatureFlags() {}

  /** A FeatureFlag {@code name} (no namespace) for {@code key} with {@code environments} (may be null). */
  public static FeatureFlag flag(String name, String key, Map<String, EnvironmentState> environments) {
    FeatureFlag flag = new FeatureFlag();
    flag.setMetadata(new ObjectMetaBuilder().withName(name).build());
    FeatureFlagSpec spec = new FeatureFlagSpec();
    spec.setKey(key);
    spec.setActorType("user");
    spec.setEnvironments(environments == null ? null : new LinkedHashMap<>(environments));
    flag.setSpec(spec);
    return flag;
  }

  public static EnvironmentState on() {
    EnvironmentState state = new EnvironmentState();
    state.setEnabled(true);
    return state;
  }

  public static EnvironmentState off() {
    EnvironmentState state = new EnvironmentState();
    state.setEnabled(false);
    return state;
  }

  public static EnvironmentState percent(double percentage, Strategy strategy) {
    EnvironmentState state = on();
    state.setPercentage(percentage);
    state.setStrategy(strategy);
    return state;
  }
}
