package dev.flagstaff.endpoint.chatops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstaff.endpoint.EndpointSettings;
import dev.flagstaff.runtime.Config;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Slack app manifest a user pastes (examples/slack-app/manifest.yaml) points Slack where this endpoint listens:
 * the events and the slash command at the paths it serves, the command under the name it answers by default, and
 * the scopes its calls need.
 */
class SlackAppManifestTest {
  private static final Path MANIFEST = Path.of("..", "examples", "slack-app", "manifest.yaml");

  @Test
  void theRequestUrlsAndTheCommandAreTheOnesTheEndpointServes() throws Exception {
    JsonNode manifest = new YAMLMapper().readTree(MANIFEST.toFile());
    ChatOpsSettings defaults = new ChatOpsSettings(new Config(Map.of()), "flags");

    JsonNode events = manifest.path("settings").path("event_subscriptions");
    assertThat(URI.create(events.path("request_url").asText()).getPath()).isEqualTo(EndpointSettings.EVENTS_PATH);
    assertThat(events.path("bot_events").get(0).asText()).isEqualTo("app_home_opened");
    assertThat(manifest.path("features").path("app_home").path("home_tab_enabled").asBoolean()).isTrue();

    JsonNode command = manifest.path("features").path("slash_commands").get(0);
    assertThat(command.path("command").asText()).isEqualTo(defaults.command);
    assertThat(URI.create(command.path("url").asText()).getPath()).isEqualTo(ChatOpsSettings.COMMANDS_PATH);
    assertThat(URI.create(command.path("url").asText()).getHost())
        .isEqualTo(URI.create(events.path("request_url").asText()).getHost());

    assertThat(manifest.path("oauth_config").path("scopes").path("bot").toString())
        .contains("\"commands\"", "\"chat:write\"", "\"usergroups:read\"");
  }
}
