package dev.flagstaff.endpoint.chatops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstaff.runtime.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {
  static final String POLICY = """
      environments:
        dev:        {users: [U111], userGroups: [S111]}
        production: {users: [U222], userGroups: [], channels: [C0PRODUCTION]}
      """;
  private static final Function<String, Set<String>> GROUPS = Map.of("S111", Set.of("U333"))::get;

  @TempDir
  Path dir;

  private Policy load(String yaml) throws IOException {
    return Policy.load(Files.writeString(dir.resolve("policy.yaml"), yaml));
  }

  @Test
  void aListedUserAndAMemberOfAListedGroupMayChangeTheEnvironment() throws IOException {
    Policy policy = load(POLICY);
    assertThat(policy.refusal("dev", "U111", "C1", GROUPS)).isEmpty();
    assertThat(policy.refusal("dev", "U333", "C1", GROUPS)).isEmpty();
    assertThat(policy.refusal("dev", "U999", "C1", g -> Set.of())).get().asString()
        .contains("U999").contains("not among the users or user groups allowed to change dev");
  }

  @Test
  void productionOnlyFromItsChannels() throws IOException {
    Policy policy = load(POLICY);
    assertThat(policy.refusal("production", "U222", "C0PRODUCTION", GROUPS)).isEmpty();
    assertThat(policy.refusal("production", "U222", "C0DEV", GROUPS)).get().asString()
        .isEqualTo("production is changed only from <#C0PRODUCTION>, not from this channel (C0DEV)");
    assertThat(policy.refusal("production", "U111", "C0PRODUCTION", GROUPS)).get().asString()
        .contains("not among");
  }

  @Test
  void anEnvironmentWithoutARuleIsRefusedUnlessTheDefaultRuleAllowsIt() throws IOException {
    assertThat(load(POLICY).refusal("staging", "U111", "C1", GROUPS)).get().asString()
        .contains("no one may change staging from Slack");
    Policy withDefault = load(POLICY + "\"*\": {users: [U111]}\n");
    assertThat(withDefault.refusal("staging", "U111", "C1", GROUPS)).isEmpty();
    assertThat(withDefault.refusal("production", "U111", "C0PRODUCTION", GROUPS)).isPresent();
  }

  @Test
  void aMistakeInThePolicyStopsStartUpWithTheKeyToFix() {
    assertThatThrownBy(() -> load("environments:\n  dev: {user: [U1]}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'user' in environments.dev");
    assertThatThrownBy(() -> load("environments:\n  dev: {users: U1}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("environments.dev.users").hasMessageContaining("must be a list");
    assertThatThrownBy(() -> load("environment: {}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'environment'");
    assertThatThrownBy(() -> load("- a\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be a map");
  }
}
