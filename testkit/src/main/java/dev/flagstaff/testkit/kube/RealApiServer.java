package dev.flagstaff.testkit.kube;

import dev.flagstaff.testkit.JarProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real Kubernetes API server on loopback: etcd and kube-apiserver as child processes, both bound to 127.0.0.1
 * only, with the RBAC authorizer on, service-account token signing (so the TokenRequest API issues tokens that
 * the chart's ServiceAccounts authenticate with), an audit log of every request, and a fresh data folder. The
 * {@code FeatureFlag} CRD is installed and established before {@link #start} returns.
 *
 * <pre>{@code
 * try (RealApiServer server = RealApiServer.start(KubeBinaries.find().orElseThrow(), "flags")) {
 *   KubernetesClient admin = server.client();
 *   Path kubeconfig = server.kubeconfig("flags");            // for kubectl, helm and the jars
 *   Path asOperator = server.kubeconfig("flags", "flagstaff-operator"); // a ServiceAccount's token
 * }
 * }</pre>
 *
 * <p>No controller manager runs: nothing garbage-collects owned objects, and a deleted namespace stays
 * {@code Terminating}. Tests use fresh namespaces instead of deleting them.
 */
public final class RealApiServer implements AutoCloseable {
  /** The CRD as generated into the crds jar by the build. */
  public static final String CRD_RESOURCE = "META-INF/fabric8/featureflags.flagstaff.dev-v1.yml";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final KubeBinaries binaries;
  private final Path dir;
  private final String adminToken;
  private final int etcdPort;
  private final int apiPort;
  private final boolean audit;
  private Process etcd;
  private Process apiServer;
  private KubernetesClient client;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final AtomicInteger namespaces = new AtomicInteger();

  private RealApiServer(KubeBinaries binaries, Path dir, boolean audit) {
    this.binaries = binaries;
    this.dir = dir;
    this.audit = audit;
    this.adminToken = randomToken();
    this.etcdPort = freePort();
    this.apiPort = freePort();
  }

  /** Starts etcd and kube-apiserver, installs the FeatureFlag CRD and creates {@code namespaces}. */
  public static RealApiServer start(KubeBinaries binaries, String... namespaces) {
    return start(binaries, true, namespaces);
  }

  /**
   * As {@link #start(KubeBinaries, String...)}; with {@code auditLog} false the server writes no audit log (it
   * costs the server time in blocking mode, which benchmarks that time it measure) and {@link #auditLog()} is empty.
   */
  public static RealApiServer start(KubeBinaries binaries, boolean auditLog, String... namespaces) {
    Path dir;
    try {
      dir = Files.createTempDirectory("flagstaff-kube-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RealApiServer server = new RealApiServer(binaries, dir, auditLog);
    // A JVM that exits without close() (System.exit, SIGTERM) must not leave etcd and kube-apiserver behind.
    Runtime.getRuntime().addShutdownHook(new Thread(server::stopProcesses, "real-api-server-stop"));
    try {
      server.writeConfiguration();
      server.startEtcd();
      server.startApiServer();
      server.client = server.newClient();
      server.installCrd();
      for (String namespace : namespaces) {
        server.createNamespace(namespace);
      }
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** An administrator's client (group {@code system:masters}), shared; closed by {@link #close()}. */
  public KubernetesClient client() {
    return client;
  }

  /** A new administrator's client, for a component that closes its own; also closed by {@link #close()}. */
  public KubernetesClient newClient() {
    return track(new KubernetesClientBuilder().withConfig(config(adminToken, null)).build());
  }

  /** A client authenticated as {@code serviceAccount} of {@code namespace}, with a token from the TokenRequest API. */
  public KubernetesClient clientAs(String namespace, String serviceAccount) {
    return track(new KubernetesClientBuilder()
        .withConfig(config(serviceAccountToken(namespace, serviceAccount), namespace)).build());
  }

  /** {@code https://127.0.0.1:<port>}. */
  public String url() {
    return "https://127.0.0.1:" + apiPort;
  }

  /** The API server's serving certificate chain (self-signed, for 127.0.0.1 and localhost). */
  public Path caFile() {
    return dir.resolve("certs").resolve("apiserver.crt");
  }

  public KubeBinaries binaries() {
    return binaries;
  }

  /** The folder holding this server's data, configuration, logs and kubeconfig files. */
  public Path dir() {
    return dir;
  }

  /** An administrator's kubeconfig whose current context's namespace is {@code namespace}. */
  public Path kubeconfig(String namespace) {
    return writeKubeconfig("admin-" + namespace, adminToken, namespace);
  }

  /** A kubeconfig authenticated as {@code serviceAccount} of {@code namespace} (a TokenRequest token, 24 h). */
  public Path kubeconfig(String namespace, String serviceAccount) {
    return writeKubeconfig(serviceAccount + "-" + namespace, serviceAccountToken(namespace, serviceAccount),
        namespace);
  }

  /**
   * A kubeconfig for pod {@code pod} running as {@code serviceAccount}: the Pod object is created (nothing runs it)
   * and the token is bound to it, as the kubelet's projected token is, so the API server sees the pod's name in
   * the user's extra {@code authentication.kubernetes.io/pod-name} (what admission policies can check).
   */
  public Path kubeconfigForPod(String namespace, String serviceAccount, String pod) {
    io.fabric8.kubernetes.api.model.Pod created = client.pods().inNamespace(namespace).withName(pod).get();
    if (created == null) {
      created = client.pods().inNamespace(namespace).resource(
          new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(pod).endMetadata()
              .withNewSpec().withServiceAccountName(serviceAccount).addNewContainer().withName("main")
              .withImage("flagstaff.invalid/not-run:0").endContainer().endSpec().build()).create();
    }
    String token = client.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(86_400L)
            .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod)
            .withUid(created.getMetadata().getUid()).endBoundObjectRef().endSpec().build())
        .getStatus().getToken();
    return writeKubeconfig(serviceAccount + "-" + pod, token, namespace);
  }

  /** A token for {@code serviceAccount}, which must exist, from the TokenRequest API. */
  public String serviceAccountToken(String namespace, String serviceAccount) {
    return client.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(86_400L).endSpec().build())
        .getStatus().getToken();
  }

  /** Creates a namespace named {@code prefix-N}, unique on this server, and returns its name. */
  public String freshNamespace(String prefix) {
    String name = prefix + "-" + namespaces.incrementAndGet();
    createNamespace(name);
    return name;
  }

  public RealApiServer createNamespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return this;
  }

  /** Whether this server writes an audit log (see {@link #start(KubeBinaries, boolean, String...)}). */
  public boolean auditLogOn() {
    return audit;
  }

  /** Every request the API server has answered so far, from its audit log. */
  public AuditLog auditLog() {
    return AuditLog.read(dir.resolve("audit.log"));
  }

  /**
   * Stops kube-apiserver and starts it again on the same port, keeping etcd and its data: what clients see when
   * a control-plane node restarts. {@code whileDown} runs while nothing answers.
   */
  public void restartApiServer(Runnable whileDown) {
    JarProcess.stop(apiServer);
    whileDown.run();
    startApiServer();
  }

  private void writeConfiguration() {
    try {
      Files.createDirectories(dir.resolve("certs"));
      Files.createDirectories(dir.resolve("etcd"));
      Files.writeString(dir.resolve("tokens.csv"), adminToken + ",flagstaff-test-admin,admin-uid,\"system:masters\"\n");
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      Files.writeString(dir.resolve("sa.key"), pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()));
      // Metadata (who, verb, resource, name, namespace, code) for every request but the server's own.
      Files.writeString(dir.resolve("audit-policy.yaml"), String.join("\n",
          "apiVersion: audit.k8s.io/v1",
          "kind: Policy",
          "omitStages: [RequestReceived]",
          "rules:",
          "- level: None",
          "  users: [\"system:apiserver\", \"system:kube-controller-manager\", \"system:kube-scheduler\"]",
          "- level: None",
          "  nonResourceURLs: [\"/healthz*\", \"/readyz*\", \"/livez*\"]",
          "- level: Metadata",
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void startEtcd() {
    int peerPort = freePort();
    String client = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + peerPort;
    etcd = launch("etcd", List.of(binaries.etcd().toString(),
        "--name", "flagstaff-test",
        "--data-dir", dir.resolve("etcd").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "flagstaff-test=" + peer,
        "--listen-metrics-urls", "http://127.0.0.1:" + freePort(),
        "--unsafe-no-fsync", // test data: durability across power loss is not what is tested
        "--log-level", "warn"));
    Probe.await("etcd", etcd, dir.resolve("etcd.log"), START_TIMEOUT,
        () -> Probe.httpOk(client + "/health", null, null));
  }

  private void startApiServer() {
    List<String> auditFlags = !audit ? List.of() : List.of(
        "--audit-policy-file", dir.resolve("audit-policy.yaml").toString(),
        "--audit-log-path", dir.resolve("audit.log").toString(),
        "--audit-log-format", "json", "--audit-log-mode", "blocking");
    List<String> command = new ArrayList<>(List.of(binaries.apiServer().toString(),
        "--etcd-servers", "http://127.0.0.1:" + etcdPort,
        "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", String.valueOf(apiPort),
        "--cert-dir", dir.resolve("certs").toString(),
        "--token-auth-file", dir.resolve("tokens.csv").toString(),
        "--authorization-mode", "RBAC",
        "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file", dir.resolve("sa.key").toString(),
        "--service-account-signing-key-file", dir.resolve("sa.key").toString(),
        "--service-cluster-ip-range", "10.96.0.0/24",
        "--endpoint-reconciler-type", "none", // the kubernetes Service endpoint cannot be a loopback address
        "--enable-priority-and-fairness=false",
        "--v", "0"));
    command.addAll(auditFlags);
    apiServer = launch("kube-apiserver", command);
    Probe.await("kube-apiserver", apiServer, dir.resolve("kube-apiserver.log"), START_TIMEOUT,
        () -> Files.exists(caFile()) && Probe.httpOk(url() + "/readyz", adminToken, caFile()));
  }

  private Process launch(String name, List<String> command) {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  private void installCrd() {
    try (InputStream yaml = RealApiServer.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
      if (yaml == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath: is flagstaff-crds built?");
      }
      CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
              .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Config config(String token, String namespace) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withCaCertFile(caFile().toString())
        .withOauthToken(token)
        .withNamespace(namespace == null ? "default" : namespace)
        .withRequestTimeout(30_000)
        .build();
  }

  private Path writeKubeconfig(String name, String token, String namespace) {
    String yaml = String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: flagstaff-local",
        "  cluster:",
        "    server: " + url(),
        "    certificate-authority: " + caFile(),
        "users:",
        "- name: " + name,
        "  user:",
        "    token: " + token,
        "contexts:",
        "- name: " + name,
        "  context: {cluster: flagstaff-local, user: " + name + ", namespace: " + namespace + "}",
        "current-context: " + name,
        "");
    Path file = dir.resolve("kubeconfig-" + name);
    try {
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private KubernetesClient track(KubernetesClient created) {
    synchronized (clients) {
      clients.add(created);
    }
    return created;
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    stopProcesses();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary folder is harmless
    }
  }

  private void stopProcesses() {
    JarProcess.stop(apiServer);
    JarProcess.stop(etcd);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
