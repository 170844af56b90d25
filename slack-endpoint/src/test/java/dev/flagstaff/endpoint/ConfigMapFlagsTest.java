package dev.flagstaff.endpoint;

import static dev.flagstaff.endpoint.EndpointFixture.FLAG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flags watched on the Fabric8 mock API server: writes apply at once, a deletion or a corrupt value keeps the last good. */
class ConfigMapFlagsTest {
  static final String NS = ConfigMapEndpoint.NS;
  @RegisterExtension
  final ConfigMapEndpoint mock = new ConfigMapEndpoint();
  EndpointFixture fx;

  private EndpointFixture startEndpoint() {
    fx = mock.startEndpoint(Map.of());
    return fx;
  }

  private JsonNode decision(String actor) {
    return fx.management("/flags/" + FLAG + "?actor=" + actor);
  }

  @Test
  void aChangeOnTheApiServerFlipsTheDecisionAndTheHomeTab() {
    mock.writeFlags(Map.of(FLAG, "{\"enabled\":true}"));
    startEndpoint();
    await().until(() -> decision("U1").get("enabled").asBoolean());

    fx.openHome("U1");
    assertThat(fx.tab("U1").text()).contains(EndpointFixture.FEATURE_WORDS);

    mock.writeFlags(Map.of(FLAG, "{\"enabled\":false,\"generation\":2}"));
    await().until(() -> !decision("U1").get("enabled").asBoolean());
    assertThat(decision("U1").get("reason").asText()).isEqualTo("disabled");

    fx.openHome("U1");
    assertThat(fx.tab("U1").text()).isEqualTo(dev.flagstaff.endpoint.home.HomeView.FALLBACK_TEXT);

    String version = mock.client().configMaps().inNamespace(NS).withName("feature-flags").get().getMetadata().getResourceVersion();
    JsonNode flags = fx.management("/flags");
    assertThat(flags.get("version").asText()).isEqualTo(version);
    assertThat(flags.get("source").asText()).isEqualTo("configmap flags/feature-flags");
    assertThat(flags.get("readAt").asText()).isNotBlank();
    assertThat(flags.get("flags").get(FLAG).get("state").asText()).isEqualTo("Disabled");
  }

  @Test
  void deletedConfigMapKeepsTheLastGoodFlagsAndSaysSo() {
    mock.writeFlags(Map.of(FLAG, "{\"enabled\":true}"));
    startEndpoint();
    await().until(() -> decision("U1").get("enabled").asBoolean());

    mock.client().configMaps().inNamespace(NS).withName("feature-flags").delete();

    await().until(() -> fx.management("/flags").get("stale").asBoolean());
    assertThat(fx.management("/flags").get("note").asText()).contains("deleted");
    assertThat(decision("U1").get("enabled").asBoolean()).isTrue();
    assertThat(fx.endpoint.registry().get("flagstaff.flags.stale").gauge().value()).isEqualTo(1.0);

    mock.writeFlags(Map.of(FLAG, "{\"enabled\":false}"));
    await().until(() -> !fx.management("/flags").get("stale").asBoolean());
    assertThat(decision("U1").get("enabled").asBoolean()).isFalse();
  }

  @Test
  void corruptValueKeepsThePreviousGoodValueOfThatKey() {
    mock.writeFlags(Map.of(FLAG, "{\"enabled\":true}", "other", "{\"enabled\":true}"));
    startEndpoint();
    await().until(() -> decision("U1").get("enabled").asBoolean());

    mock.writeFlags(Map.of(FLAG, "{\"enabled\":\"yes please\"}", "other", "{\"enabled\":false}"));

    await().until(() -> !fx.management("/flags/other").get("enabled").asBoolean());
    assertThat(decision("U1").get("enabled").asBoolean()).isTrue();
    JsonNode flags = fx.management("/flags");
    assertThat(flags.get("flags").get(FLAG).get("problem").asText()).contains("\"enabled\" must be true or false");
    assertThat(flags.get("problems").get(FLAG).asText()).contains("invalid value");
    assertThat(fx.count("flagstaff.flags.invalid")).isEqualTo(1);
  }

  @Test
  void aValueBeyondTheJsonReadersLimitsNeverFreezesARollbackOfAnotherKey() {
    mock.writeFlags(Map.of(FLAG, "{\"enabled\":true}"));
    startEndpoint();
    await().until(() -> decision("U1").get("enabled").asBoolean());

    // The reproduction: 1001-deep brackets in an unrelated key, then a rollback of the App Home flag.
    mock.writeFlags(Map.of(FLAG, "{\"enabled\":true}", "unrelated_key", "[".repeat(1001) + "]".repeat(1001)));
    await().until(() -> fx.management("/flags").path("problems").has("unrelated_key"));
    mock.writeFlags(Map.of(FLAG, "{\"enabled\":false}", "unrelated_key", "{\"enabled\":" + "9".repeat(1001) + "}"));

    await().until(() -> !decision("U1").get("enabled").asBoolean());
    JsonNode flags = fx.management("/flags");
    assertThat(flags.get("problems").get("unrelated_key").asText()).contains("limits");
    // One key refused for one reason counts once, however many ConfigMap versions carry it.
    assertThat(fx.count("flagstaff.flags.invalid")).isEqualTo(1);
    assertThat(fx.get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void missingConfigMapAtStartIsReadyWithEveryFlagOff() {
    startEndpoint();
    assertThat(fx.get("/readyz").statusCode()).isEqualTo(200);
    JsonNode flags = fx.management("/flags");
    assertThat(flags.get("note").asText()).contains("not found");
    assertThat(decision("U1").get("reason").asText()).isEqualTo("unknown_flag");

    mock.writeFlags(Map.of(FLAG, "{\"enabled\":true}"));
    await().until(() -> decision("U1").get("enabled").asBoolean());
  }
}
