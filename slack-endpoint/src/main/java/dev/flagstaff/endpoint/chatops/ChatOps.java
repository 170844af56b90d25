package dev.flagstaff.endpoint.chatops;

import com.slack.api.Slack;
import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.chatops.command.Planner;
import dev.flagstaff.endpoint.EndpointMetrics;
import dev.flagstaff.endpoint.EndpointSettings;
import dev.flagstaff.endpoint.http.SignatureCheck;
import dev.flagstaff.runtime.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The slash command's parts, built from the settings; owns the threads that carry commands out. */
public final class ChatOps implements AutoCloseable {
  private static final Duration GROUPS_KEPT = Duration.ofMinutes(1);

  private final ThreadPoolExecutor executor;
  private final SlashCommandHandler handler;

  public ChatOps(EndpointSettings settings, KubernetesClient client, Slack slack, SignatureCheck signatures,
      EndpointMetrics metrics, Clock clock) {
    ChatOpsSettings chatops = settings.chatops;
    if (client == null) {
      throw new ConfigException("FLAGSTAFF_CHATOPS_ENABLED needs the Kubernetes API (not FLAGSTAFF_FLAGS_FILE)");
    }
    Planner planner = new Planner(CrdAdmission.featureFlags()::errors);
    KubernetesTarget cluster = new KubernetesTarget(client, chatops.namespaces, planner, chatops.waitReady,
        chatops.gitPath, clock);
    WriteTarget writer = chatops.target == ChatOpsSettings.Target.GIT
        ? new GitWriteTarget(chatops.gitUrl, chatops.gitBranch, chatops.gitPath, chatops.gitUsername,
            chatops.gitPassword, planner)
        : cluster;
    executor = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(50), r -> {
      Thread t = new Thread(r, "chatops");
      t.setDaemon(true);
      return t;
    });
    SlashCommands commands = new SlashCommands(chatops.command, chatops.policy,
        new UserGroups(slack, settings.botToken, GROUPS_KEPT, clock), cluster, writer,
        new Replies(slack, settings.botToken, settings.slackApiUrl), metrics, executor);
    handler = new SlashCommandHandler(chatops.command, EndpointSettings.MAX_BODY_BYTES, settings.requestDeadline,
        signatures, commands, metrics);
  }

  public SlashCommandHandler handler() {
    return handler;
  }

  /** Lets running commands finish for up to {@code drainMillis}. */
  public void close(long drainMillis) {
    executor.shutdown();
    try {
      executor.awaitTermination(drainMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }

  @Override
  public void close() {
    close(0);
  }
}
