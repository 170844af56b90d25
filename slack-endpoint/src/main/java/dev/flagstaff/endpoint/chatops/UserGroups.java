package dev.flagstaff.endpoint.chatops;

import com.slack.api.Slack;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.usergroups.users.UsergroupsUsersListResponse;
import dev.flagstaff.runtime.Secret;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of a Slack user group ({@code usergroups.users.list} with the bot token, scope
 * {@code usergroups:read}), kept for a short while so a burst of commands asks once. A failed call is logged with
 * Slack's error code and answers no members (the user is refused), and is not kept.
 */
final class UserGroups implements Function<String, Set<String>> {
  private static final Logger LOG = LoggerFactory.getLogger(UserGroups.class);

  private record Members(Set<String> users, Instant until) {}

  private final Slack slack;
  private final Secret botToken;
  private final Duration keep;
  private final Clock clock;
  private final Map<String, Members> cache = new ConcurrentHashMap<>();

  UserGroups(Slack slack, Secret botToken, Duration keep, Clock clock) {
    this.slack = slack;
    this.botToken = botToken;
    this.keep = keep;
    this.clock = clock;
  }

  @Override
  public Set<String> apply(String group) {
    Members cached = cache.get(group);
    if (cached != null && clock.instant().isBefore(cached.until())) {
      return cached.users();
    }
    if (botToken == null) {
      LOG.warn("user group {} cannot be resolved: SLACK_BOT_TOKEN is not set", group);
      return Set.of();
    }
    try {
      UsergroupsUsersListResponse response = slack.methods(botToken.reveal()).usergroupsUsersList(r -> r.usergroup(group));
      if (!response.isOk()) {
        LOG.warn("usergroups.users.list for {} failed: {}", group, response.getError());
        return Set.of();
      }
      Set<String> users = response.getUsers() == null ? Set.of() : Set.copyOf(response.getUsers());
      cache.put(group, new Members(users, clock.instant().plus(keep)));
      return users;
    } catch (IOException | SlackApiException e) {
      LOG.warn("usergroups.users.list for {} failed: {}", group, e.getClass().getSimpleName());
      return Set.of();
    }
  }
}
