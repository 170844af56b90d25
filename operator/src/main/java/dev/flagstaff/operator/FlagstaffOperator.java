package dev.flagstaff.operator;

import dev.flagstaff.operator.status.StatusAggregator;
import dev.flagstaff.operator.announce.Announcer;
import dev.flagstaff.operator.rollout.PrometheusAnalysis;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import dev.flagstaff.runtime.ManagementServer;
import dev.flagstaff.runtime.Metrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's composition root: settings read once from the environment, the JOSDK operator with the
 * FeatureFlag reconciler, and the management port ({@code /healthz}, {@code /readyz}, {@code /metrics}).
 *
 * <pre>{@code
 * try (FlagstaffOperator operator = new FlagstaffOperator(config, client)) {
 *   operator.start();   // returns once the informers are synced
 *   ...
 * }
 * }</pre>
 *
 * The client stays its creator's to close.
 */
public final class FlagstaffOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FlagstaffOperator.class);
  /** How long a rollout's Prometheus queries may take in total before the analysis counts as unavailable. */
  private static final Duration ANALYSIS_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Reconciles at once. A reconcile mostly waits: for the ConfigMap write its key shares with the others waiting
   * (so the more wait, the fewer and larger the writes during a burst), then for its status write.
   */
  static final int RECONCILE_THREADS = 50;

  private final OperatorSettings settings;
  /** {@code FLAGSTAFF_MANAGEMENT_BIND_ADDRESS}; {@code null}: every address. */
  private final String managementBindAddress;
  private final PrometheusMeterRegistry registry;
  private final Operator operator;
  private volatile ManagementServer management;
  private volatile boolean closing;
  private volatile Runnable onLeadershipLost;
  private final FeatureFlagReconciler reconciler;
  private final FlagEvents events;
  /** How long a stopping operator waits for the Events it is still sending. */
  private static final Duration EVENTS_FLUSH = Duration.ofSeconds(2);
  private final Announcer announcer;

  /** @throws ConfigException naming the variable when the configuration is missing or malformed */
  public FlagstaffOperator(Config config, KubernetesClient client) {
    this(config, client, Clock.systemUTC());
  }

  /**
   * @param clock the operator's only source of time (rollout steps, analysis intervals, the verification term,
   *     condition and Event times); tests pass one they move, then call {@link #wake()}
   * @throws ConfigException naming the variable when the configuration is missing or malformed
   */
  public FlagstaffOperator(Config config, KubernetesClient client, Clock clock) {
    settings = OperatorSettings.from(config, client::getNamespace);
    managementBindAddress = config.string("FLAGSTAFF_MANAGEMENT_BIND_ADDRESS", null);
    registry = Metrics.newRegistry();
    OperatorMetrics metrics = new OperatorMetrics(registry);
    announcer = Announcer.fromConfig(config, registry);
    events = new FlagEvents(client, clock, metrics.events());
    reconciler = new FeatureFlagReconciler(settings, client, metrics,
        events, new StatusAggregator(settings.environment(), clock), clock,
        new PrometheusAnalysis(config.duration("FLAGSTAFF_ANALYSIS_TIMEOUT", ANALYSIS_TIMEOUT)), announcer);
    onLeadershipLost = () -> {
      LOG.error("lost the leader election Lease {}; stopping so that only one replica writes", settings.leaseName());
      new Thread(this::close, "flagstaff-stop").start();
    };

    int reconcileThreads = config.integer("FLAGSTAFF_RECONCILE_THREADS", RECONCILE_THREADS, 1, 1000);
    operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withConcurrentReconciliationThreads(reconcileThreads)
          .withExecutorService(reconcilers(reconcileThreads))
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withResourceCloner(new UnreadableSpecCloner(client))
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(leaderElection());
      }
    });
    operator.register(reconciler, c -> {
      if (settings.watchesAllNamespaces()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(settings.namespaces());
      }
      // Status patches of our own are no reason to reconcile; a new generation or a retry annotation is.
      c.withGenerationAware(false);
      c.withOnUpdateFilter(new FlagUpdates());
      c.withRetry(new GenericRetry()
          .setInitialInterval(Duration.ofSeconds(1))
          .setIntervalMultiplier(2)
          .setMaxInterval(Duration.ofMinutes(5).toMillis())
          .withoutMaxAttempts());
    });
  }

  /**
   * JOSDK's reconcile threads, up to {@code threads} during a burst; each ends after 30 s without work, so an idle
   * operator keeps none of a burst's stacks (JOSDK's own pool keeps every thread it ever started).
   */
  private static ExecutorService reconcilers(int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), work -> {
          Thread thread = new Thread(work, "flagstaff-reconcile-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Opens the management port, then starts the operator; returns once its informers are synced (with leader
   * election, a standby replica is started and ready, and begins reconciling when it becomes the leader).
   *
   * @throws RuntimeException when the operator cannot start (API server unreachable, CRD not installed, no
   *     permission); everything started is stopped again
   */
  public void start() {
    try {
      management = new ManagementServer(managementBindAddress, settings.managementPort(), registry, this::ready)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the management port " + settings.managementPort()
          + " (FLAGSTAFF_MANAGEMENT_PORT): " + e.getMessage(), e);
    }
    LOG.info("serving environment {} in {}, ConfigMap {}{}", settings.environment(),
        settings.watchesAllNamespaces() ? "all namespaces" : "namespaces " + settings.namespaces(),
        settings.configMapName(), settings.leaderElection() ? ", leader election on Lease "
            + settings.leaderElectionNamespace() + "/" + settings.leaseName() : "");
    try {
      operator.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Reconciles every FeatureFlag now, as if its scheduled wake-up had fired. Timed work (rollout steps, analysis,
   * the verification term) is otherwise woken by rescheduling on the clock; a test that moves its clock calls this.
   */
  public void wake() {
    reconciler.wakeAll();
  }

  /** The management port actually bound (FLAGSTAFF_MANAGEMENT_PORT=0 picks a free one). */
  public int managementPort() {
    if (management == null) {
      throw new IllegalStateException("not started");
    }
    return management.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public OperatorSettings settings() {
    return settings;
  }

  /** What {@code /readyz} answers: started, and every informer connected and synced. */
  public boolean ready() {
    if (closing) {
      return false;
    }
    RuntimeInfo info = operator.getRuntimeInfo();
    return info.isStarted() && info.allEventSourcesAreHealthy();
  }

  /**
   * What to do when this replica loses the leader election after having led (the Lease was taken over, or could not
   * be renewed). By default the operator stops, so that it cannot write beside the new leader; {@link OperatorMain}
   * exits the process instead, so that Kubernetes restarts it as a standby.
   */
  public void onLeadershipLost(Runnable action) {
    this.onLeadershipLost = action;
  }

  @Override
  public synchronized void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      operator.stop();
    } finally {
      events.flush(EVENTS_FLUSH);
      announcer.close();
      if (management != null) {
        management.close();
      }
      registry.close();
    }
  }

  private LeaderElectionConfiguration leaderElection() {
    String host = System.getenv("HOSTNAME");
    String identity = (host == null || host.isBlank() ? "flagstaff-operator" : host)
        + "-" + UUID.randomUUID().toString().substring(0, 8);
    LeaderCallbacks callbacks = new LeaderCallbacks(
        () -> LOG.info("leading environment {} (Lease {}/{})", settings.environment(), settings.leaderElectionNamespace(),
            settings.leaseName()),
        () -> {
          if (!closing) {
            onLeadershipLost.run();
          }
        },
        leader -> LOG.info("leader of environment {} is {}", settings.environment(), leader));
    return new LeaderElectionConfiguration(settings.leaseName(), settings.leaderElectionNamespace(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        identity, callbacks, false);
  }
}
