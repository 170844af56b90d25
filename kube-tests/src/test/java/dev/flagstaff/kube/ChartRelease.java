package dev.flagstaff.kube;

import static org.awaitility.Awaitility.await;

import dev.flagstaff.testkit.JarProcess;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Helm chart installed with the real {@code helm install} into one namespace, and its two Deployments run as
 * the kubelet would run them — but as JVMs on loopback: each jar gets its container's environment as the chart
 * renders it (values, the pod's own fields, the Secret's keys), and authenticates as the chart's own
 * ServiceAccount with a token from the TokenRequest API bound to a Pod object of that name (as the kubelet's
 * projected token is), so only the chart's Roles and policies grant what it may do.
 *
 * <p>A release talks to a Slack Web API stub of its own ({@link #slack()}). Closing it stops every jar it started,
 * the last started first, then the stub; a test class gets that after each test from {@link Installs}.
 */
final class ChartRelease implements AutoCloseable {
  static final String RELEASE = "flagstaff";
  static final String SIGNING_SECRET = "chart-it-signing-secret";

  private final RealApiServer server;
  private final String namespace;
  private final SlackApiStub slack;
  private final Path logs;
  private final Deque<JarProcess> started = new ArrayDeque<>();

  private ChartRelease(RealApiServer server, String namespace, SlackApiStub slack, Path logs) {
    this.server = server;
    this.namespace = namespace;
    this.slack = slack;
    this.logs = logs;
  }

  /**
   * Starts a Slack stub, then {@code helm install flagstaff helm/flagstaff -n namespace --set ...} pointed at it;
   * fails with helm's output if it fails.
   */
  static ChartRelease install(RealApiServer server, String namespace, String... sets) throws Exception {
    SlackApiStub slack = SlackApiStub.start();
    try {
      Path home = Files.createTempDirectory(server.dir(), "helm");
      List<String> args = new ArrayList<>(List.of("install", RELEASE,
          Repository.path("helm", "flagstaff").toString(),
          "-n", namespace,
          "--set", "environment=production",
          "--set", "slack.createSecret=true",
          "--set", "slack.signingSecret=" + SIGNING_SECRET,
          "--set", "slack.botToken=xoxb-chart-it",
          "--set", "slack.apiUrl=" + slack.baseUrl()));
      for (String set : sets) {
        args.add("--set");
        args.add(set);
      }
      helm(server, namespace, home).run(args).orThrow();
      return new ChartRelease(server, namespace, slack,
          Files.createDirectories(Path.of("target", "chart-it", namespace)));
    } catch (Exception | Error e) {
      slack.close();
      throw e;
    }
  }

  /**
   * The releases a test installs, each closed after it: {@code @RegisterExtension final ChartRelease.Installs
   * chart = new ChartRelease.Installs();}, then {@code chart.install(server, namespace, sets...)}.
   */
  static final class Installs implements AfterEachCallback {
    private final List<ChartRelease> releases = new ArrayList<>();

    ChartRelease install(RealApiServer server, String namespace, String... sets) throws Exception {
      ChartRelease release = ChartRelease.install(server, namespace, sets);
      releases.add(release);
      return release;
    }

    @Override
    public void afterEach(ExtensionContext context) {
      releases.forEach(ChartRelease::close);
      releases.clear();
    }
  }

  static Cli helm(RealApiServer server, String namespace, Path home) {
    return Cli.helm(server.binaries(), server.kubeconfig(namespace), home);
  }

  String namespace() {
    return namespace;
  }

  /** The Slack Web API the release's processes call. */
  SlackApiStub slack() {
    return slack;
  }

  /** kubectl as the tests' admin, in the release's namespace. */
  Cli kubectl() {
    return Cli.kubectl(server.binaries(), server.kubeconfig(namespace));
  }

  Deployment deployment(String component) {
    return server.client().apps().deployments().inNamespace(namespace).list().getItems().stream()
        .filter(d -> component.equals(d.getMetadata().getLabels().get("app.kubernetes.io/component")))
        .findFirst().orElseThrow(() -> new IllegalStateException("no " + component + " Deployment in " + namespace));
  }

  String serviceAccount(String component) {
    return deployment(component).getSpec().getTemplate().getSpec().getServiceAccountName();
  }

  /** The user the API server sees for the component's pods. */
  String user(String component) {
    return "system:serviceaccount:" + namespace + ":" + serviceAccount(component);
  }

  /**
   * Starts the component's jar as pod {@code pod} would run: its container's environment, the chart's
   * ServiceAccount token, and {@code overrides} (loopback ports instead of the container's fixed ones).
   */
  JarProcess run(String component, Path jar, String pod, Map<String, String> overrides) {
    Map<String, String> env = environment(component, pod);
    env.put("KUBECONFIG", server.kubeconfigForPod(namespace, serviceAccount(component), pod).toString());
    env.put("HOSTNAME", pod); // as the kubelet sets it
    env.putAll(overrides);
    JarProcess process = JarProcess.start(pod, jar, env, logs);
    started.push(process);
    return process;
  }

  /** The operator's jar as pod {@code pod}, once its {@code /healthz} answers (a standby is healthy, never ready). */
  JarProcess startOperator(String pod, int management) {
    return startAndAwait(run("operator", Repository.operatorJar(), pod,
        Map.of("FLAGSTAFF_MANAGEMENT_PORT", String.valueOf(management))), management, "/healthz");
  }

  /** The endpoint's jar as pod {@code pod}, Slack's events on {@code eventsPort}, once its {@code /readyz} answers. */
  JarProcess startEndpoint(String pod, int eventsPort, int management) {
    return startEndpoint(pod, eventsPort, management, Map.of());
  }

  /** As {@link #startEndpoint(String, int, int)}, with more of the environment overridden (e.g. a mounted file's path). */
  JarProcess startEndpoint(String pod, int eventsPort, int management, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("FLAGSTAFF_PORT", String.valueOf(eventsPort));
    overrides.put("FLAGSTAFF_MANAGEMENT_PORT", String.valueOf(management));
    return startAndAwait(run("slack-endpoint", Repository.endpointJar(), pod, overrides), management, "/readyz");
  }

  private static JarProcess startAndAwait(JarProcess process, int management, String probe) {
    try {
      await(process.name() + " to answer " + probe).atMost(Duration.ofSeconds(60))
          .until(() -> JarProcess.answers200(management, probe));
      return process;
    } catch (RuntimeException e) {
      process.close();
      throw new IllegalStateException(process.name() + " did not answer " + probe + "; it printed:\n"
          + process.output(), e);
    }
  }

  Map<String, String> environment(String component, String pod) {
    Container container = deployment(component).getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = new HashMap<>();
    for (EnvVar variable : container.getEnv()) {
      if (variable.getValue() != null) {
        env.put(variable.getName(), variable.getValue());
      } else if (variable.getValueFrom().getFieldRef() != null) {
        String field = variable.getValueFrom().getFieldRef().getFieldPath();
        env.put(variable.getName(), switch (field) {
          case "metadata.namespace" -> namespace;
          case "metadata.name" -> pod;
          default -> throw new IllegalStateException("the chart uses a field this harness does not set: " + field);
        });
      } else if (variable.getValueFrom().getSecretKeyRef() != null) {
        var ref = variable.getValueFrom().getSecretKeyRef();
        Secret secret = server.client().secrets().inNamespace(namespace).withName(ref.getName()).get();
        env.put(variable.getName(), new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey())),
            StandardCharsets.UTF_8));
      }
    }
    env.remove("JAVA_TOOL_OPTIONS"); // sized for a container's memory limit; JarProcess sets the heap
    return env;
  }

  /** Stops every jar this release started, the last started first (a stopped one again is a no-op), then the stub. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      started.pop().close();
    }
    slack.close();
  }
}
