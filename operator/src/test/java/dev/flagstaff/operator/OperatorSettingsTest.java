package dev.flagstaff.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  private static OperatorSettings settings(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return OperatorSettings.from(new Config(env), () -> "from-kubeconfig");
  }

  @Test
  void refusesToStartWithoutAnEnvironment() {
    assertThatThrownBy(() -> settings())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("FLAGSTAFF_ENVIRONMENT is required");
    assertThatThrownBy(() -> settings("FLAGSTAFF_ENVIRONMENT", "Prod_1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FLAGSTAFF_ENVIRONMENT must be a DNS label");
  }

  @Test
  void defaultsMatchTheReadme() {
    OperatorSettings s = settings("FLAGSTAFF_ENVIRONMENT", "staging", "POD_NAMESPACE", "flagstaff");
    assertThat(s.environment()).isEqualTo("staging");
    assertThat(s.namespaces()).containsExactly("flagstaff");
    assertThat(s.configMapName()).isEqualTo("feature-flags");
    assertThat(s.managementPort()).isEqualTo(9090);
    assertThat(s.leaderElection()).isFalse();
    assertThat(s.leaderElectionNamespace()).isEqualTo("flagstaff");
    assertThat(s.leaseName()).isEqualTo("flagstaff-operator-staging");
  }

  @Test
  void ownNamespaceFallsBackToTheClientConfiguration() {
    // (on a developer machine there is no service account file)
    assertThat(settings("FLAGSTAFF_ENVIRONMENT", "dev").namespaces()).containsExactly("from-kubeconfig");
    assertThat(OperatorSettings.from(new Config(Map.of("FLAGSTAFF_ENVIRONMENT", "dev")), () -> null).namespaces())
        .containsExactly("default");
  }

  @Test
  void namespacesTakeAListOrAStar() {
    assertThat(settings("FLAGSTAFF_ENVIRONMENT", "dev", "FLAGSTAFF_NAMESPACES", " team-a, team-b ,").namespaces())
        .isEqualTo(Set.of("team-a", "team-b"));
    OperatorSettings all = settings("FLAGSTAFF_ENVIRONMENT", "dev", "FLAGSTAFF_NAMESPACES", "*");
    assertThat(all.watchesAllNamespaces()).isTrue();
    assertThatThrownBy(() -> settings("FLAGSTAFF_ENVIRONMENT", "dev", "FLAGSTAFF_NAMESPACES", "team a"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FLAGSTAFF_NAMESPACES: 'team a' is not a valid namespace name");
    assertThatThrownBy(() -> settings("FLAGSTAFF_ENVIRONMENT", "dev", "FLAGSTAFF_NAMESPACES", ","))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FLAGSTAFF_NAMESPACES must be");
  }

  @Test
  void badValuesNameTheirVariable() {
    assertThatThrownBy(() -> settings("FLAGSTAFF_ENVIRONMENT", "dev", "FLAGSTAFF_MANAGEMENT_PORT", "http"))
        .hasMessageContaining("FLAGSTAFF_MANAGEMENT_PORT");
    assertThatThrownBy(() -> settings("FLAGSTAFF_ENVIRONMENT", "dev", "FLAGSTAFF_LEADER_ELECTION", "maybe"))
        .hasMessageContaining("FLAGSTAFF_LEADER_ELECTION");
    assertThatThrownBy(() -> settings("FLAGSTAFF_ENVIRONMENT", "dev", "FLAGSTAFF_CONFIGMAP", "Flags!"))
        .hasMessageContaining("FLAGSTAFF_CONFIGMAP");
    assertThatThrownBy(() -> settings("FLAGSTAFF_ENVIRONMENT", "dev", "FLAGSTAFF_LEADER_ELECTION_NAMESPACE", "A"))
        .hasMessageContaining("FLAGSTAFF_LEADER_ELECTION_NAMESPACE");
  }
}
