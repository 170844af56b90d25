package dev.flagstaff.endpoint.chatops;

import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import dev.flagstaff.runtime.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The slash command's settings (README, "ChatOps in Slack"), read once; off unless FLAGSTAFF_CHATOPS_ENABLED. */
public final class ChatOpsSettings {
  /** Where a change is written. */
  public enum Target { KUBERNETES, GIT }

  public static final String COMMANDS_PATH = "/api/v4/integrations/slack/commands";

  public final boolean enabled;
  public final String command;
  public final Target target;
  public final List<String> namespaces;
  /** {@code null} when disabled. */
  public final Policy policy;
  public final Duration waitReady;
  public final String gitUrl;
  public final String gitBranch;
  public final String gitPath;
  public final String gitUsername;
  public final Secret gitPassword;

  /** @param namespace the endpoint's own FLAGSTAFF_NAMESPACE, the default chatops namespace ({@code null}: none) */
  public ChatOpsSettings(Config config, String namespace) {
    enabled = config.bool("FLAGSTAFF_CHATOPS_ENABLED", false);
    command = config.string("FLAGSTAFF_CHATOPS_COMMAND", "/flagstaff");
    if (!command.matches("/[a-z0-9_-]{1,31}")) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_COMMAND must be a slash command such as /flagstaff, got '"
          + command + "'");
    }
    target = config.choice("FLAGSTAFF_CHATOPS_TARGET", Target.class, Target.KUBERNETES);
    String listed = config.string("FLAGSTAFF_CHATOPS_NAMESPACES", namespace);
    namespaces = listed == null ? List.of()
        : Arrays.stream(listed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    waitReady = config.duration("FLAGSTAFF_CHATOPS_WAIT", Duration.ofSeconds(60));
    gitUrl = config.string("FLAGSTAFF_CHATOPS_GIT_URL");
    gitBranch = config.string("FLAGSTAFF_CHATOPS_GIT_BRANCH", "main");
    gitPath = config.string("FLAGSTAFF_CHATOPS_GIT_PATH", "");
    gitUsername = config.string("FLAGSTAFF_CHATOPS_GIT_USERNAME");
    gitPassword = config.secret("FLAGSTAFF_CHATOPS_GIT_PASSWORD");
    if (!enabled) {
      policy = null;
      return;
    }
    String file = config.string("FLAGSTAFF_CHATOPS_POLICY");
    if (file == null) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_POLICY is required with FLAGSTAFF_CHATOPS_ENABLED: the file saying "
          + "who may change which environment, and from which channels");
    }
    policy = Policy.load(Path.of(file));
    if (target == Target.KUBERNETES && namespaces.isEmpty()) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_NAMESPACES (or FLAGSTAFF_NAMESPACE) is required with "
          + "FLAGSTAFF_CHATOPS_TARGET=kubernetes: the namespaces holding the FeatureFlags");
    }
    if (target == Target.GIT && gitUrl == null) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_GIT_URL is required with FLAGSTAFF_CHATOPS_TARGET=git");
    }
    if (gitPassword != null && gitUsername == null) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_GIT_PASSWORD is set without FLAGSTAFF_CHATOPS_GIT_USERNAME");
    }
  }
}
