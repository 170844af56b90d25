package dev.flagstaff.endpoint.propagation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.endpoint.flags.FlagsSnapshot;
import dev.flagstaff.runtime.ConsumerLeaseNames;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator which version of the flags this pod has applied: a {@code coordination.k8s.io/v1} Lease
 * {@code flagstaff-consumer-<pod>} in the ConfigMap's namespace, labelled {@code flagstaff.dev/consumer: <configmap>},
 * renewed every third of its duration, whose annotation {@code flagstaff.dev/applied-configmap-version} is the
 * resourceVersion of the ConfigMap snapshot in effect, written right after each new snapshot is swapped in.
 *
 * <p>Created at {@link #start()}, deleted at {@link #close()}: a pod that stops cleanly stops counting at once, one
 * that dies stops counting when its Lease expires. All API calls run on one thread of their own; a failure is
 * logged and counted and never reaches the serving path.
 */
public final class ConsumerLease implements AutoCloseable {
  /** The label the operator selects consumer Leases by; its value is the ConfigMap's name. */
  public static final String CONSUMER_LABEL = ConsumerLeaseNames.CONSUMER_LABEL;
  /** The resourceVersion of the flags ConfigMap this pod is serving. */
  public static final String APPLIED_VERSION_ANNOTATION = ConsumerLeaseNames.APPLIED_VERSION;
  public static final String NAME_PREFIX = "flagstaff-consumer-";

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLease.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
  /** Kubernetes' MicroTime: RFC 3339 with microseconds. */
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final String namespace;
  private final String configMap;
  private final String pod;
  private final String name;
  private final Duration duration;
  private final Clock clock;
  private final MeterRegistry registry;
  private final ScheduledExecutorService thread;
  /** The version to report next; {@code null} until a ConfigMap has been read. */
  private final AtomicReference<String> latest = new AtomicReference<>();
  /** Touched on {@link #thread} only. */
  private String reported;
  private volatile boolean closed;

  /**
   * @param pod this pod's name (the Lease's holder and name suffix)
   * @param duration the Lease's duration; it is renewed every third of it
   */
  public ConsumerLease(KubernetesClient client, String namespace, String configMap, String pod, Duration duration,
      Clock clock, MeterRegistry registry) {
    this.client = client;
    this.namespace = namespace;
    this.configMap = configMap;
    this.pod = pod;
    this.name = leaseName(pod);
    this.duration = duration;
    this.clock = clock;
    this.registry = registry;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "consumer-lease");
      t.setDaemon(true);
      return t;
    });
    for (String operation : new String[] {"create", "renew", "report", "delete"}) {
      for (String result : new String[] {"ok", "error"}) {
        counter(operation, result);
      }
    }
  }

  /** {@code flagstaff-consumer-<pod>}, made a valid object name whatever the host name looks like. */
  public static String leaseName(String pod) {
    String name = (NAME_PREFIX + pod.toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9.-]", "-");
    name = name.length() > 253 ? name.substring(0, 253) : name;
    return name.replaceAll("[.-]+$", "");
  }

  public String name() {
    return name;
  }

  /** Creates (or takes over) the Lease, then renews it every third of its duration. */
  public void start() {
    thread.execute(this::create);
    long every = Math.max(1, duration.toMillis() / 3);
    thread.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /** Listener for {@code FlagsStore.onSwap}: quick, never throws, never blocks the informer. */
  public void applied(FlagsSnapshot snapshot) {
    String version = snapshot.version();
    if (closed || version == null || Objects.equals(latest.getAndSet(version), version)) {
      return;
    }
    try {
      thread.execute(this::report);
    } catch (RejectedExecutionException e) {
      // closing: the Lease is about to be deleted
    }
  }

  private void create() {
    Lease lease = new LeaseBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels(CONSUMER_LABEL, configMap)
        .addToLabels("app.kubernetes.io/managed-by", "flagstaff-slack-endpoint")
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(pod)
        .withLeaseDurationSeconds((int) Math.max(1, duration.toSeconds()))
        .withAcquireTime(now())
        .withRenewTime(now())
        .endSpec()
        .build();
    String version = latest.get();
    if (version != null) {
      lease.getMetadata().getAnnotations().put(APPLIED_VERSION_ANNOTATION, version);
    }
    try {
      createOrTakeOver(lease);
      reported = version;
      counter("create", "ok").increment();
      LOG.info("reporting applied flags on Lease {}/{} (consumer of configmap {})", namespace, name, configMap);
    } catch (RuntimeException e) {
      failed("create", e);
    }
  }

  /** A Lease left behind by an earlier pod of the same name (a restart after an unclean stop) is taken over. */
  private void createOrTakeOver(Lease lease) {
    try {
      resource().resource(lease).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      Lease existing = resource().withName(name).get();
      if (existing == null) {
        resource().resource(lease).create();
        return;
      }
      lease.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      resource().resource(lease).update();
    }
  }

  private void renew() {
    String version = latest.get();
    boolean report = version != null && !version.equals(reported);
    patch(report ? "report" : "renew", report ? version : null);
  }

  private void report() {
    String version = latest.get();
    if (version != null && !version.equals(reported)) {
      patch("report", version);
    }
  }

  /** One merge patch: the renew time, plus the applied version when {@code version} is not null. */
  private void patch(String operation, String version) {
    if (closed) {
      return;
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    if (version != null) {
      patch.putObject("metadata").putObject("annotations").put(APPLIED_VERSION_ANNOTATION, version);
    }
    patch.putObject("spec").put("holderIdentity", pod).put("renewTime", MICRO_TIME.format(now()));
    try {
      resource().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      if (version != null) {
        reported = version;
        LOG.debug("reported configmap version {} on Lease {}", version, name);
      }
      counter(operation, "ok").increment();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        LOG.warn("Lease {}/{} is gone, creating it again", namespace, name);
        create();
        return;
      }
      failed(operation, e);
    } catch (RuntimeException e) {
      failed(operation, e);
    }
  }

  private void failed(String operation, RuntimeException e) {
    counter(operation, "error").increment();
    LOG.warn("consumer Lease {}/{}: {} failed, will retry at the next renewal: {}", namespace, name, operation,
        e.getMessage());
  }

  private NonNamespaceOperation<Lease, LeaseList, Resource<Lease>> resource() {
    return client.leases().inNamespace(namespace);
  }

  private ZonedDateTime now() {
    return clock.instant().atZone(ZoneOffset.UTC);
  }

  private Counter counter(String operation, String result) {
    return Counter.builder("flagstaff.consumer.lease.writes")
        .description("Writes of this pod's consumer Lease (propagation report), by operation and result")
        .tag("operation", operation).tag("result", result)
        .register(registry);
  }

  /** Stops renewing and deletes the Lease, so that this pod stops counting at once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      resource().withName(name).delete();
      counter("delete", "ok").increment();
      LOG.info("deleted consumer Lease {}/{}", namespace, name);
    } catch (RuntimeException e) {
      counter("delete", "error").increment();
      LOG.warn("could not delete consumer Lease {}/{}; it stops counting when it expires: {}", namespace, name,
          e.getMessage());
    }
  }
}
