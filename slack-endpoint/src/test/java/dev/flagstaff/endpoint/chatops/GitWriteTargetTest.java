package dev.flagstaff.endpoint.chatops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.chatops.command.CommandParser;
import dev.flagstaff.chatops.command.Planner;
import dev.flagstaff.runtime.Secret;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class GitWriteTargetTest {
  @Test
  void theFlagsManifestIsNamedAfterItsKeyInTheConfiguredFolder() {
    assertThat(GitWriteTarget.file("flags", "slack_events_app_home_opened"))
        .isEqualTo("flags/slack-events-app-home-opened.yaml");
    assertThat(GitWriteTarget.file("", "a_b")).isEqualTo("a-b.yaml");
  }

  @Test
  void aFailedPushNeverShowsTheCredentials() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    GitWriteTarget target = new GitWriteTarget("http://bot:hunter2-url@127.0.0.1:" + port + "/flags.git", "main",
        "flags", "bot", new Secret("hunter2-secret"), new Planner(CrdAdmission.featureFlags()::errors));
    Requester who = new Requester("T1", "U1", "alice", "C1", "ops", "set f true --dev");
    assertThatThrownBy(() -> target.change(CommandParser.parse("set f true --dev"), who))
        .satisfies(e -> assertThat(e.getMessage()).contains("127.0.0.1:" + port).doesNotContain("hunter2"));
  }
}
