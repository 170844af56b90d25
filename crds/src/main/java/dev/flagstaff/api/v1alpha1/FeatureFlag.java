package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A feature flag with its state in each environment. One operator per environment resolves it. */
@Group(FeatureFlag.GROUP)
@Version(FeatureFlag.VERSION)
@Kind("FeatureFlag")
@Plural("featureflags")
@Singular("featureflag")
@ShortNames("ff")
@ValidationRule(
    value = "!has(self.spec) || has(self.spec.key) || self.metadata.name.matches('" + FeatureFlagSpec.KEY_PATTERN + "')",
    message = "without spec.key the flag key is metadata.name, which must then be lower case letters, digits, _ and -: "
        + "set spec.key or rename the resource")
public class FeatureFlag extends CustomResource<FeatureFlagSpec, FeatureFlagStatus> implements Namespaced {
  public static final String GROUP = "flagstaff.dev";
  public static final String VERSION = "v1alpha1";

  /** A spec this version cannot read is kept as {@link FeatureFlagSpec#unreadable()}, not thrown (see ReadableSpec). */
  @Override
  @JsonDeserialize(using = ReadableSpec.class)
  public void setSpec(FeatureFlagSpec spec) {
    super.setSpec(spec);
  }

  /** The key the code asks about: {@code spec.key}, or the resource's name when the spec gives none. */
  public String flagKey() {
    FeatureFlagSpec spec = getSpec();
    if (spec != null && spec.getKey() != null && !spec.getKey().isBlank()) {
      return spec.getKey();
    }
    return getMetadata().getName();
  }
}
