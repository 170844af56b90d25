package dev.flagstaff.endpoint.chatops;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import dev.flagstaff.runtime.Secret;
import dev.flagstaff.testkit.SlackApiStub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RepliesTest {
  @Test
  void answersGoOnlyToSlacksHooksOrToTheConfiguredSlackApisOrigin() {
    Replies replies = new Replies(Slack.getInstance(), null, "http://127.0.0.1:4567/api/");
    assertThat(replies.allowed("https://hooks.slack.com/commands/T1/123/abc")).isTrue();
    assertThat(replies.allowed("http://127.0.0.1:4567/hooks/commands/1")).isTrue();
    assertThat(replies.allowed("http://hooks.slack.com/commands/T1/123/abc")).isFalse();
    assertThat(replies.allowed("https://hooks.slack.com.evil.test/commands/1")).isFalse();
    assertThat(replies.allowed("https://evil@hooks.slack.com/commands/1")).isFalse();
    assertThat(replies.allowed("https://hooks.slack.com:8443/commands/1")).isFalse();
    assertThat(replies.allowed("http://127.0.0.1:4568/hooks/1")).isFalse();
    assertThat(replies.allowed("http://169.254.169.254/latest/meta-data")).isFalse();
    assertThat(replies.allowed("not a url")).isFalse();
    assertThat(replies.allowed(null)).isFalse();
  }

  @Test
  void userGroupMembersComeFromSlackWithTheBotTokenAndAreKeptForAWhile() {
    try (SlackApiStub stub = SlackApiStub.start()) {
      stub.userGroup("S111", "U333", "U444");
      SlackConfig config = new SlackConfig();
      config.setMethodsEndpointUrlPrefix(stub.baseUrl());
      config.setStatsEnabled(false);
      MutableClock clock = new MutableClock();
      UserGroups groups = new UserGroups(Slack.getInstance(config), new Secret("xoxb-test"), Duration.ofMinutes(1),
          clock);
      assertThat(groups.apply("S111")).containsExactlyInAnyOrder("U333", "U444");
      assertThat(groups.apply("S111")).contains("U333");
      assertThat(stub.calls("usergroups.users.list")).hasSize(1);
      assertThat(stub.calls("usergroups.users.list").get(0).authorization()).isEqualTo("Bearer xoxb-test");
      clock.now = clock.now.plus(Duration.ofMinutes(2));
      stub.userGroup("S111", "U444");
      assertThat(groups.apply("S111")).containsExactly("U444");
      assertThat(groups.apply("S404")).isEmpty();
    }
  }

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
