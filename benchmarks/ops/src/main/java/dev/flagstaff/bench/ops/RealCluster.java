package dev.flagstaff.bench.ops;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.KubeBinaries;
import dev.flagstaff.testkit.kube.RealApiServer;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver and etcd on loopback ({@link RealApiServer}) set up as the Helm chart sets up a namespace:
 * the operator and the endpoint each run as their own ServiceAccount under a Role with the chart's rules, with a
 * TokenRequest token in a kubeconfig. The driver itself is the administrator, so the audit log tells the
 * operator's requests from the driver's by user.
 */
final class RealCluster implements AutoCloseable {
  static final String OPERATOR_SA = "flagstaff-operator";
  static final String ENDPOINT_SA = "flagstaff-slack-endpoint";

  private final RealApiServer server;
  private final AuditTail audit;

  private RealCluster(RealApiServer server) {
    this.server = server;
    this.audit = new AuditTail(server.dir().resolve("audit.log"));
  }

  static RealCluster start() {
    return start(true);
  }

  /** With {@code auditLog} false the server keeps no audit log: timing only, no request counts. */
  static RealCluster start(boolean auditLog) {
    KubeBinaries binaries = KubeBinaries.find().orElseThrow(() -> new IllegalStateException(
        "no kube-apiserver/etcd binaries: " + KubeBinaries.HOW_TO_ENABLE));
    RealCluster cluster = new RealCluster(RealApiServer.start(binaries, auditLog));
    cluster.installFinalizerPolicy();
    return cluster;
  }

  /**
   * The chart's MutatingAdmissionPolicy (helm/flagstaff, for every namespace), as {@code helm install} renders it on
   * Kubernetes 1.36+: new FeatureFlags carry the operator's finalizer from their creation. Returns once it applies.
   */
  private void installFinalizerPolicy() {
    Path home = server.dir().resolve("helm-home");
    Path rendered = server.dir().resolve("finalizer-policy.yaml");
    try {
      Files.createDirectories(home);
      Files.writeString(rendered, Cli.helm(server.binaries(), server.kubeconfig("default"), home)
          .run("template", "flagstaff", "helm/flagstaff", "-n", "default", "--kube-version", "1.37.0",
              "--set", "environment=" + Cluster.ENVIRONMENT, "--set", "operator.watchNamespaces={*}",
              "-s", "templates/operator-finalizer-policy.yaml")
          .orThrow().out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Cli.kubectl(server.binaries(), server.kubeconfig("default")).run("apply", "-f", rendered.toString()).orThrow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      FeatureFlag probe = Cluster.flag("finalizer-policy-probe", true);
      probe.getMetadata().setNamespace("default");
      List<String> finalizers = server.client().resource(probe).dryRun().create().getMetadata().getFinalizers();
      if (finalizers != null && !finalizers.isEmpty()) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new IllegalStateException("the chart's finalizer policy did not take effect in 60 s");
  }

  RealApiServer server() {
    return server;
  }

  /** The administrator's client: the driver's own requests. */
  KubernetesClient driver() {
    return server.client();
  }

  /** CPU seconds used so far by this driver's kube-apiserver and etcd processes (from /proc). */
  double apiServerCpuSeconds() {
    return ProcessHandle.current().children()
        .filter(p -> p.info().command().map(c -> c.endsWith("kube-apiserver") || c.endsWith("etcd")).orElse(false))
        .mapToDouble(p -> Jvm.cpuSeconds(p.pid())).sum();
  }

  AuditTail audit() {
    return audit;
  }

  /** A fresh namespace {@code prefix-N} with the operator's and the endpoint's ServiceAccounts and Roles. */
  String namespace(String prefix) {
    String ns = server.freshNamespace(prefix);
    KubernetesClient admin = server.client();
    for (String sa : List.of(OPERATOR_SA, ENDPOINT_SA)) {
      admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName(sa)
          .endMetadata().build()).create();
    }
    role(ns, OPERATOR_SA, List.of(
        rule("flagstaff.dev", "featureflags", "get", "list", "watch", "patch"),
        rule("flagstaff.dev", "featureflags/status", "update"),
        rule("", "configmaps", "get", "list", "watch", "create", "patch"),
        rule("", "events", "create"),
        rule("coordination.k8s.io", "leases", "list", "watch")));
    role(ns, ENDPOINT_SA, List.of(
        new PolicyRuleBuilder().withApiGroups("").withResources("configmaps").withResourceNames("feature-flags")
            .withVerbs("get", "list", "watch").build(),
        rule("coordination.k8s.io", "leases", "get", "create", "update", "patch", "delete")));
    return ns;
  }

  /** The user the audit log records for the operator of {@code namespace}. */
  static String operatorUser(String namespace) {
    return "system:serviceaccount:" + namespace + ":" + OPERATOR_SA;
  }

  static String endpointUser(String namespace) {
    return "system:serviceaccount:" + namespace + ":" + ENDPOINT_SA;
  }

  Map<String, String> operatorEnv(String namespace, int managementPort) {
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", server.kubeconfig(namespace, OPERATOR_SA).toString());
    env.put("FLAGSTAFF_ENVIRONMENT", Cluster.ENVIRONMENT);
    env.put("FLAGSTAFF_NAMESPACES", namespace);
    env.put("POD_NAMESPACE", namespace);
    env.put("HOSTNAME", "flagstaff-operator-0");
    env.put("FLAGSTAFF_LEADER_ELECTION", "false");
    env.put("FLAGSTAFF_MANAGEMENT_PORT", Integer.toString(managementPort));
    return env;
  }

  /** The endpoint reading the namespace's ConfigMap through the API as pod {@code pod}. */
  Map<String, String> endpointEnv(String namespace, String pod, int port, int managementPort) {
    Map<String, String> kube = new HashMap<>();
    kube.put("KUBECONFIG", server.kubeconfig(namespace, ENDPOINT_SA).toString());
    kube.put("HOSTNAME", pod);
    kube.put("POD_NAMESPACE", namespace);
    return Cluster.endpointEnv(kube, namespace, null, port, managementPort);
  }

  private void role(String ns, String sa, List<PolicyRule> rules) {
    KubernetesClient admin = server.client();
    admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName(sa).endMetadata()
        .withRules(rules).build()).create();
    admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName(sa)
        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", sa)
        .addNewSubject().withKind("ServiceAccount").withName(sa).withNamespace(ns).endSubject().build()).create();
  }

  private static PolicyRule rule(String group, String resource, String... verbs) {
    return new PolicyRuleBuilder().withApiGroups(group).withResources(resource).withVerbs(verbs).build();
  }

  @Override
  public void close() {
    server.close();
  }
}
