package dev.flagstaff.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.flags.FlagState;
import dev.flagstaff.flags.Strategy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlagResolutionTest {
  private static final String MANIFEST = String.join("\n",
      "apiVersion: flagstaff.dev/v1alpha1",
      "kind: FeatureFlag",
      "metadata: {name: slack-events-app-home-opened, generation: 4}",
      "spec:",
      "  key: slack_events_app_home_opened",
      "  defaultEnabled: %s",
      "  environments:",
      "    staging: {enabled: true}",
      "    production: {enabled: true, percentage: 10, strategy: random, requires: staging}",
      "    dev: {enabled: false, percentage: 50, strategy: actors, actors: ['User:1']}");

  private static FeatureFlag flag(boolean defaultEnabled) {
    return Serialization.unmarshal(String.format(MANIFEST, defaultEnabled), FeatureFlag.class);
  }

  @Test
  void resolvesTheEntryOfTheEnvironmentServed() {
    assertThat(FlagResolution.resolve(flag(false), "production"))
        .isEqualTo(FlagState.of(true, 10.0, Strategy.RANDOM, List.of(), 4));
    assertThat(FlagResolution.resolve(flag(false), "staging")).isEqualTo(FlagState.on(4));
  }

  @Test
  void disabledEnvironmentIsOffEvenWithAPercentageAndActors() {
    FlagState dev = FlagResolution.resolve(flag(false), "dev");
    assertThat(dev.enabled()).isFalse();
  }

  @Test
  void environmentNotMentionedGetsDefaultEnabled() {
    assertThat(FlagResolution.resolve(flag(false), "staging-ref")).isEqualTo(FlagState.off(4));
    assertThat(FlagResolution.resolve(flag(true), "staging-ref")).isEqualTo(FlagState.on(4));
  }

  @Test
  void keyDefaultsToTheResourceName() {
    FeatureFlag flag = flag(false);
    assertThat(flag.flagKey()).isEqualTo("slack_events_app_home_opened");
    flag.getSpec().setKey(null);
    assertThat(flag.flagKey()).isEqualTo("slack-events-app-home-opened");
  }
}
