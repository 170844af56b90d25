package dev.flagstaff.endpoint;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.model.view.View;
import dev.flagstaff.endpoint.chatops.ChatOps;
import dev.flagstaff.endpoint.chatops.ChatOpsSettings;
import dev.flagstaff.endpoint.events.EventDeduplicator;
import dev.flagstaff.endpoint.events.Worker;
import dev.flagstaff.endpoint.flags.ConfigMapFlagsSource;
import dev.flagstaff.endpoint.flags.FileFlagsSource;
import dev.flagstaff.endpoint.flags.FlagsEndpoints;
import dev.flagstaff.endpoint.flags.FlagsSource;
import dev.flagstaff.endpoint.flags.FlagsStore;
import dev.flagstaff.endpoint.home.AppHomeHandler;
import dev.flagstaff.endpoint.home.AppHomePublisher;
import dev.flagstaff.endpoint.home.HomeTemplate;
import dev.flagstaff.endpoint.home.HomeView;
import dev.flagstaff.endpoint.propagation.ConsumerLease;
import dev.flagstaff.endpoint.http.EventsHandler;
import dev.flagstaff.endpoint.http.EventsServer;
import dev.flagstaff.endpoint.http.SignatureCheck;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import dev.flagstaff.runtime.ManagementServer;
import dev.flagstaff.runtime.Metrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of the Slack endpoint: reads the settings once, builds every part with its constructor,
 * and owns their lifecycle. {@code new SlackEndpoint(config, client).start()}; {@link #close()} drains the worker.
 */
public final class SlackEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlackEndpoint.class);
  private static final Duration FILE_POLL = Duration.ofMillis(250);

  private final EndpointSettings settings;
  private final PrometheusMeterRegistry registry;
  private final FlagsStore flags;
  private final FlagsSource source;
  private final Worker worker;
  private final ScheduledExecutorService retries;
  private final Slack slack;
  private final EventsServer events;
  private final FlagsEndpoints flagsEndpoints;
  /** {@code null} when propagation is not reported (flags file, or FLAGSTAFF_REPORT_PROPAGATION=false). */
  private final ConsumerLease consumerLease;
  /** {@code null} unless FLAGSTAFF_CHATOPS_ENABLED: the slash command. */
  private final ChatOps chatOps;
  private ManagementServer management;

  /**
   * @param client the Kubernetes client to watch the flags ConfigMap with; may be {@code null} when
   *     FLAGSTAFF_FLAGS_FILE is set
   * @throws ConfigException when a setting is missing or wrong, or the Home template is invalid
   */
  public SlackEndpoint(Config config, KubernetesClient client) {
    this(config, client, Clock.systemUTC());
  }

  SlackEndpoint(Config config, KubernetesClient client, Clock clock) {
    settings = new EndpointSettings(config);
    View template = settings.homeTemplate == null ? null : HomeTemplate.load(settings.homeTemplate);
    View fallback = !settings.homeFallback ? null : HomeView.fallback(settings.homeFallbackTemplate == null
        ? null : HomeTemplate.load(HomeTemplate.FALLBACK, settings.homeFallbackTemplate));
    if (settings.flagsFile == null && client == null) {
      throw new ConfigException("FLAGSTAFF_FLAGS_FILE is required when no Kubernetes client is available");
    }
    registry = Metrics.newRegistry();
    EndpointMetrics metrics = new EndpointMetrics(registry, settings.appHomeFlag);
    flags = new FlagsStore(metrics, clock);
    source = settings.flagsFile != null
        ? new FileFlagsSource(settings.flagsFile, flags, FILE_POLL)
        : new ConfigMapFlagsSource(client, settings.namespace, settings.configMap, flags);
    flagsEndpoints = new FlagsEndpoints(flags, source.describe(), clock);
    consumerLease = settings.reportPropagation
        ? new ConsumerLease(client, namespace(client), settings.configMap, settings.podName,
            settings.consumerLeaseDuration, clock, registry)
        : null;
    if (consumerLease != null) {
      flags.onSwap(consumerLease::applied);
    }

    SlackConfig slackConfig = new SlackConfig();
    slackConfig.setMethodsEndpointUrlPrefix(settings.slackApiUrl);
    slackConfig.setStatsEnabled(false);
    int timeout = (int) settings.slackTimeout.toMillis();
    slackConfig.setHttpClientReadTimeoutMillis(timeout);
    slackConfig.setHttpClientWriteTimeoutMillis(timeout);
    slackConfig.setHttpClientCallTimeoutMillis(timeout);
    slack = Slack.getInstance(slackConfig);
    retries = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "slack-retry");
      t.setDaemon(true);
      return t;
    });
    AppHomePublisher publisher =
        new AppHomePublisher(slack, settings.botToken, metrics, settings.slackMaxAttempts, retries);
    AppHomeHandler appHome = new AppHomeHandler(flags, settings.appHomeFlag, settings.actor, settings.homeShowFlags,
        settings.environment, template, fallback, publisher, metrics);

    worker = new Worker(settings.workerThreads, settings.queueCapacity, registry);
    EventDeduplicator deduplicator = new EventDeduplicator(settings.dedupeCapacity, settings.dedupeWindow, clock);
    SignatureCheck signatures = new SignatureCheck(settings.signingSecret, settings.signatureMaxAge, clock);
    EventsHandler eventsHandler = new EventsHandler(EndpointSettings.EVENTS_PATH,
        EndpointSettings.MAX_BODY_BYTES, settings.requestDeadline, signatures, deduplicator, worker, appHome::handle, metrics);
    chatOps = settings.chatops.enabled ? new ChatOps(settings, client, slack, signatures, metrics, clock) : null;
    events = new EventsServer(settings.bindAddress, settings.port,
        chatOps == null ? eventsHandler : new Handler.Sequence(chatOps.handler(), eventsHandler));
  }

  private String namespace(KubernetesClient client) {
    return settings.namespace != null ? settings.namespace : client.getNamespace();
  }

  /** Starts reading flags, the management port and the Events API port. */
  public SlackEndpoint start() {
    try {
      management = new ManagementServer(settings.managementBindAddress, settings.managementPort, registry,
          flags::ready);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on management port " + settings.managementPort, e);
    }
    flagsEndpoints.register(management);
    management.start();
    if (consumerLease != null) {
      consumerLease.start();
    }
    source.start();
    try {
      events.start();
    } catch (Exception e) {
      close();
      throw new IllegalStateException("cannot listen on port " + settings.port + ": " + e.getMessage(), e);
    }
    LOG.info("Slack events endpoint listening on {}{}, flags from {}, App Home flag {}, {} while it is off",
        events.port(), EndpointSettings.EVENTS_PATH, source.describe(), settings.appHomeFlag,
        settings.homeFallback ? "the fallback view" : "nothing published (FLAGSTAFF_HOME_FALLBACK=false)");
    if (chatOps != null) {
      LOG.info("slash command {} on {}{}, writing to {} ({})", settings.chatops.command, events.port(),
          ChatOpsSettings.COMMANDS_PATH, settings.chatops.target.name().toLowerCase(java.util.Locale.ROOT),
          settings.chatops.target == ChatOpsSettings.Target.GIT ? "branch " + settings.chatops.gitBranch
              : "namespaces " + String.join(", ", settings.chatops.namespaces));
    }
    if (settings.botToken == null) {
      LOG.warn("SLACK_BOT_TOKEN is not set: events are acknowledged but the App Home cannot be published");
    }
    return this;
  }

  /** The Events API port actually bound. */
  public int port() {
    return events.port();
  }

  /** The management port actually bound. */
  public int managementPort() {
    return management.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Whether the first read of the flags has finished (what /readyz says). */
  public boolean ready() {
    return flags.ready();
  }

  /** Stops taking requests, lets the worker finish for up to {@code drain}, then stops everything. */
  public void close(Duration drain) {
    events.close();
    if (chatOps != null) {
      chatOps.close(drain.toMillis());
    }
    worker.drain(drain.toMillis());
    retries.shutdownNow();
    source.close();
    if (consumerLease != null) {
      consumerLease.close();
    }
    if (management != null) {
      management.close();
    }
    try {
      slack.close();
    } catch (Exception e) {
      LOG.debug("closing the Slack client: {}", e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }
}
