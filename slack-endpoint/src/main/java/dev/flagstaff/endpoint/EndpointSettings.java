package dev.flagstaff.endpoint;

import dev.flagstaff.endpoint.chatops.ChatOpsSettings;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import dev.flagstaff.runtime.Secret;
import dev.flagstaff.runtime.SlackApiUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/** Everything the endpoint reads from the environment, read once (README, "Slack endpoint"). */
public final class EndpointSettings {
  /** What the App Home flag is evaluated for. */
  public enum ActorKind { USER, TEAM }

  public static final String EVENTS_PATH = "/api/v4/integrations/slack/events";
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  public final Secret signingSecret;
  /** {@code null} when unset: events are still acknowledged, nothing can be published. */
  public final Secret botToken;
  public final String slackApiUrl;
  public final String bindAddress;
  public final int port;
  public final int managementPort;
  /** FLAGSTAFF_MANAGEMENT_BIND_ADDRESS, else FLAGSTAFF_BIND_ADDRESS. */
  public final String managementBindAddress;
  /** {@code null}: the Kubernetes client's namespace. */
  public final String namespace;
  public final String configMap;
  /** {@code null}: read the ConfigMap through the API. */
  public final Path flagsFile;
  public final String appHomeFlag;
  public final ActorKind actor;
  public final boolean homeShowFlags;
  /** {@code null}: the default Home view. */
  public final Path homeTemplate;
  /** Whether the fallback view is published while the flag is off (false: nothing, Slack's placeholder). */
  public final boolean homeFallback;
  /** {@code null}: the default fallback view. */
  public final Path homeFallbackTemplate;
  /** {@code null} when unset. */
  public final String environment;
  public final Duration signatureMaxAge;
  /** How long a request to the Events API port may take to arrive whole (FLAGSTAFF_REQUEST_DEADLINE). */
  public final Duration requestDeadline;
  public final int workerThreads;
  public final int queueCapacity;
  public final int dedupeCapacity;
  public final Duration dedupeWindow;
  public final Duration slackTimeout;
  public final int slackMaxAttempts;
  /** Whether this pod reports the flags version it applied on a consumer Lease (never with a flags file). */
  public final boolean reportPropagation;
  /** This pod's name: POD_NAME, else the host name. */
  public final String podName;
  public final Duration consumerLeaseDuration;
  /** The slash command (FLAGSTAFF_CHATOPS_*); {@code chatops.enabled} is false by default. */
  public final ChatOpsSettings chatops;

  public EndpointSettings(Config config) {
    signingSecret = config.secret("SLACK_SIGNING_SECRET");
    if (signingSecret == null || signingSecret.reveal().isBlank()) {
      throw new ConfigException("SLACK_SIGNING_SECRET is required: the signing secret of the Slack app "
          + "(Basic Information → App Credentials), used to verify every request");
    }
    botToken = config.secret("SLACK_BOT_TOKEN");
    slackApiUrl = SlackApiUrl.of(config);
    bindAddress = config.string("FLAGSTAFF_BIND_ADDRESS", "0.0.0.0");
    port = config.port("FLAGSTAFF_PORT", 8080);
    managementPort = config.port("FLAGSTAFF_MANAGEMENT_PORT", 9090);
    managementBindAddress = config.string("FLAGSTAFF_MANAGEMENT_BIND_ADDRESS", bindAddress);
    namespace = config.string("FLAGSTAFF_NAMESPACE");
    configMap = config.string("FLAGSTAFF_CONFIGMAP", "feature-flags");
    String file = config.string("FLAGSTAFF_FLAGS_FILE");
    flagsFile = file == null ? null : Path.of(file);
    appHomeFlag = config.string("FLAGSTAFF_APP_HOME_FLAG", "slack_events_app_home_opened");
    actor = config.choice("FLAGSTAFF_ACTOR", ActorKind.class, ActorKind.USER);
    homeShowFlags = config.bool("FLAGSTAFF_HOME_SHOW_FLAGS", false);
    String template = config.string("FLAGSTAFF_HOME_TEMPLATE");
    homeTemplate = template == null ? null : Path.of(template);
    homeFallback = config.bool("FLAGSTAFF_HOME_FALLBACK", true);
    String fallbackTemplate = config.string("FLAGSTAFF_HOME_FALLBACK_TEMPLATE");
    homeFallbackTemplate = fallbackTemplate == null ? null : Path.of(fallbackTemplate);
    if (homeFallbackTemplate != null && !homeFallback) {
      throw new ConfigException("FLAGSTAFF_HOME_FALLBACK_TEMPLATE is set but FLAGSTAFF_HOME_FALLBACK is false: "
          + "the fallback view would never be published; unset one of them");
    }
    environment = config.string("FLAGSTAFF_ENVIRONMENT");
    signatureMaxAge = positive(config, "FLAGSTAFF_SIGNATURE_MAX_AGE", Duration.ofMinutes(5));
    requestDeadline = positive(config, "FLAGSTAFF_REQUEST_DEADLINE", Duration.ofSeconds(3));
    if (requestDeadline.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new ConfigException("FLAGSTAFF_REQUEST_DEADLINE must be at most 60s (Slack gives up after 3s)");
    }
    workerThreads = config.integer("FLAGSTAFF_WORKER_THREADS", 4, 1, 256);
    queueCapacity = config.integer("FLAGSTAFF_QUEUE_CAPACITY", 1000, 1, 1_000_000);
    dedupeCapacity = config.integer("FLAGSTAFF_DEDUPE_CAPACITY", 100_000, 1, 10_000_000);
    dedupeWindow = positive(config, "FLAGSTAFF_DEDUPE_WINDOW", Duration.ofHours(1));
    slackTimeout = positive(config, "FLAGSTAFF_SLACK_TIMEOUT", Duration.ofSeconds(5));
    slackMaxAttempts = config.integer("FLAGSTAFF_SLACK_MAX_ATTEMPTS", 4, 1, 10);
    reportPropagation = flagsFile == null && config.bool("FLAGSTAFF_REPORT_PROPAGATION", true);
    podName = podName(config);
    consumerLeaseDuration = config.duration("FLAGSTAFF_CONSUMER_LEASE_DURATION", Duration.ofSeconds(30));
    if (consumerLeaseDuration.compareTo(Duration.ofSeconds(3)) < 0) {
      throw new ConfigException("FLAGSTAFF_CONSUMER_LEASE_DURATION must be at least 3s (it is renewed every third)");
    }
    chatops = new ChatOpsSettings(config, namespace);
  }

  private static String podName(Config config) {
    String pod = config.string("POD_NAME", config.string("HOSTNAME"));
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-" + ProcessHandle.current().pid();
    }
  }

  private static Duration positive(Config config, String name, Duration defaultValue) {
    Duration value = config.duration(name, defaultValue);
    if (value.isZero()) {
      throw new ConfigException(name + " must be more than zero");
    }
    return value;
  }
}
