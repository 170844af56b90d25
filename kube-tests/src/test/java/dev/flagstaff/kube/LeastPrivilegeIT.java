package dev.flagstaff.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.testkit.JarProcess;
import dev.flagstaff.testkit.SeedLines;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import dev.flagstaff.testkit.kube.AuditLog;
import dev.flagstaff.testkit.kube.Cli;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RbacGrants;
import dev.flagstaff.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Least privilege, measured: the chart installed with a standby operator (leader election) and two endpoint pods,
 * the whole seed rollout walked, one endpoint stopped cleanly and the other's container restarted; then every call each ServiceAccount made, from the
 * API server's audit log, is reduced to the grants RBAC can express ({@link #grant}). That record must equal what
 * the chart's Roles grant each ServiceAccount — nothing unused, nothing refused — and the committed record
 * {@code helm/rbac/observed-calls.txt}, from which the helm module's offline test checks every rendering.
 */
@RealKubernetes
class LeastPrivilegeIT {
  static final Path RECORD = Repository.path("helm", "rbac", "observed-calls.txt");
  private static final Path SEED = Repository.path("examples", "seed-rollout");

  @RegisterExtension
  final ChartRelease.Installs chart = new ChartRelease.Installs();

  @Test
  void theChartGrantsExactlyTheCallsEachProcessMakes(RealApiServer server) throws Exception {
    String namespace = server.freshNamespace("least-privilege");
    ChartRelease release = chart.install(server, namespace, "operator.replicas=2");
    Cli kubectl = release.kubectl();
    for (String pod : List.of("flagstaff-operator-a", "flagstaff-operator-b")) {
      release.startOperator(pod, JarProcess.freePort());
    }
    List<JarProcess> endpoints = new ArrayList<>();
    for (String pod : List.of("flagstaff-slack-endpoint-0", "flagstaff-slack-endpoint-1")) {
      endpoints.add(release.startEndpoint(pod, JarProcess.freePort(), JarProcess.freePort()));
    }
    for (String step : List.of("01-define.yaml", "02-enable-non-production.yaml", "03-production-10-percent.yaml",
        "04-production-50-percent.yaml", "05-enable-globally.yaml", "06-rollback.yaml")) {
      kubectl.run("apply", "-f", SEED.resolve(step).toString()).orThrow();
      kubectl.run("wait", "--for=condition=Propagated", "--timeout=60s", "ff/slack-events-app-home-opened")
          .orThrow();
    }
    kubectl.run("delete", "-f", SEED.resolve("01-define.yaml").toString(), "--wait", "--timeout=60s").orThrow();
    endpoints.get(1).close(); // a clean stop deletes its consumer Lease
    endpoints.get(0).kill(); // a container restart: the pod keeps its name, and its Lease is left behind
    release.startEndpoint("flagstaff-slack-endpoint-0", JarProcess.freePort(), JarProcess.freePort());
    await("the restarted pod to take over its Lease").atMost(Duration.ofSeconds(60)).until(() -> server.auditLog()
        .by(release.user("slack-endpoint")).entries().stream().anyMatch(e -> e.verb().equals("update")
            && e.name().equals("flagstaff-consumer-flagstaff-slack-endpoint-0")));

    AuditLog audit = server.auditLog();
    List<String> record = new ArrayList<>();
    for (String component : List.of("operator", "slack-endpoint")) {
      Set<String> observed = observed(audit, release.user(component), component);
      Set<String> expected = new TreeSet<>(observed);
      expected.removeAll(GRANTED_TO_EVERY_USER);
      expected.addAll(committed(component, "unobserved"));
      assertThat(granted(server, namespace, release.serviceAccount(component)))
          .as("what the chart's Roles grant %s, against the calls it made (and the record's unobserved lines)",
              component)
          .isEqualTo(expected);
      observed.forEach(g -> record.add(component + "\t" + g + "\t"
          + (GRANTED_TO_EVERY_USER.contains(g) ? "observed, granted to every user (system:basic-user)" : "observed")));
    }
    assertRecorded(List.of("operator", "slack-endpoint"), record, "observed-calls.txt");
  }

  /**
   * With {@code chatops.enabled}, the seed walked by its own ChatOps lines as signed slash commands to an endpoint
   * running as the chart's ServiceAccount: what the endpoint then calls beyond its usual calls must be exactly what
   * the chart's chatops Role grants, and the record's {@value #CHATOPS} lines.
   */
  @Test
  void withChatOpsTheEndpointIsGrantedExactlyTheCallsTheSlashCommandMakes(RealApiServer server) throws Exception {
    String namespace = server.freshNamespace("least-privilege-chatops");
    ChartRelease release = chart.install(server, namespace, "chatops.enabled=true",
        "chatops.policy.environments.production.users[0]=U0PRODUCER",
        "chatops.policy.environments.production.channels[0]=C0PRODUCTION",
        "chatops.policy.environments.dev.users[0]=U0PRODUCER",
        "chatops.policy.environments.staging.users[0]=U0PRODUCER",
        "chatops.policy.environments.staging-ref.users[0]=U0PRODUCER");
    // The chart mounts its chatops ConfigMap at FLAGSTAFF_CHATOPS_POLICY; here the jar reads that ConfigMap's file.
    String policy = server.client().configMaps().inNamespace(namespace).list().getItems().stream()
        .filter(c -> c.getMetadata().getName().endsWith("-chatops")).findFirst().orElseThrow()
        .getData().get("policy.yaml");
    Path policyFile = Files.writeString(Files.createTempFile(server.dir(), "policy", ".yaml"), policy);
    release.startOperator("flagstaff-operator-a", JarProcess.freePort());
    int eventsPort = JarProcess.freePort();
    release.startEndpoint("flagstaff-slack-endpoint-0", eventsPort, JarProcess.freePort(),
        Map.of("FLAGSTAFF_CHATOPS_POLICY", policyFile.toString()));
    Cli kubectl = release.kubectl();
    kubectl.run("apply", "-f", SEED.resolve("01-define.yaml").toString()).orThrow();
    kubectl.run("wait", "--for=condition=Propagated", "--timeout=60s", "ff/slack-events-app-home-opened").orThrow();
    SlackRequests commands = SlackRequests.forCommands(ChartRelease.SIGNING_SECRET, eventsPort);
    SlackApiStub slack = release.slack();
    int id = 0;
    for (SeedLines.Step step : SeedLines.STEPS) {
      String url = slack.responseUrl("least-privilege-" + (++id));
      var ack = commands.sendForm(SlackRequests.slashCommand("/flagstaff", step.line(), "T0FLAGSTAFF", "U0PRODUCER",
          "alice", "C0PRODUCTION", "production", url));
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
      await(step.line() + " answered").atMost(Duration.ofSeconds(90)).until(() -> !slack.hookPosts(url).isEmpty());
      assertThat(slack.hookPosts(url).get(0).body()).as(step.line()).contains("in_channel");
    }

    String user = release.user("slack-endpoint");
    Set<String> usual = committed("slack-endpoint", "");
    Set<String> chatops = new TreeSet<>(observed(server.auditLog(), user, "slack-endpoint with chatops"));
    chatops.removeAll(usual);
    chatops.removeAll(GRANTED_TO_EVERY_USER);
    Set<String> expected = new TreeSet<>(usual);
    expected.addAll(chatops);
    expected.addAll(committed(CHATOPS, "unobserved"));
    assertThat(granted(server, namespace, release.serviceAccount("slack-endpoint")))
        .as("what the chart's Roles grant the endpoint with chatops, against the calls it made beyond its usual ones")
        .isEqualTo(expected);
    assertRecorded(List.of(CHATOPS), chatops.stream().map(g -> CHATOPS + "\t" + g + "\tobserved").toList(),
        "observed-calls-chatops.txt");
  }

  /** The record's component for what the endpoint calls with chatops.enabled beyond its usual calls. */
  static final String CHATOPS = "slack-endpoint+chatops";

  /** The grants {@code user} was observed using, once none of its calls was refused. */
  private static Set<String> observed(AuditLog audit, String user, String who) {
    assertThat(audit.by(user).forbidden().entries()).as("calls of %s refused", who).isEmpty();
    return audit.by(user).entries().stream()
        .filter(e -> !e.resource().isEmpty())
        .map(LeastPrivilegeIT::grant)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The committed record's grants of {@code component} whose third column starts with {@code how}. */
  private static Set<String> committed(String component, String how) throws IOException {
    return committedLines().stream().map(l -> l.split("\t"))
        .filter(f -> f[0].equals(component) && f[2].startsWith(how) && !f[2].contains("granted to every user"))
        .map(f -> f[1]).collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<String> committedLines() throws IOException {
    return Files.readAllLines(RECORD).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }

  /** This run's observed lines of {@code components} equal the committed record's (and are written for a diff). */
  private static void assertRecorded(List<String> components, List<String> record, String file) throws IOException {
    Path written = Path.of("target", file);
    Files.write(written, record);
    assertThat(committedLines().stream()
        .filter(l -> components.contains(l.split("\t")[0]) && l.split("\t")[2].startsWith("observed")).toList())
        .as("the observed calls of %s in the committed record %s (this run's are in kube-tests/%s)", components,
            RECORD, written)
        .containsExactlyElementsOf(record);
  }

  /** Calls every authenticated user may make: no Role of the chart needs to grant them. */
  private static final Set<String> GRANTED_TO_EVERY_USER = Set.of("authorization.k8s.io/selfsubjectrulesreviews:create");

  /**
   * An audited call as the RBAC grant that allows it: {@code group/resource[name]:verb}. The name is kept where
   * the chart can know it and RBAC can check it (the flags ConfigMap, the leader-election Lease; never for
   * create), and dropped where it follows a user's flags or a pod's name.
   */
  static String grant(AuditLog.Entry call) {
    String resource = call.resource();
    boolean namedByChart = resource.equals("/configmaps") && call.name().equals("feature-flags")
        || resource.equals("coordination.k8s.io/leases") && call.name().startsWith("flagstaff-operator-");
    boolean keepName = namedByChart && !call.verb().equals("create");
    return RbacGrants.grant(resource, keepName ? call.name() : "", call.verb());
  }

  /** Every grant of the Roles bound to {@code serviceAccount} in {@code namespace}. */
  private static Set<String> granted(RealApiServer server, String namespace, String serviceAccount) {
    Set<String> grants = new TreeSet<>();
    for (RoleBinding binding : server.client().rbac().roleBindings().inNamespace(namespace).list().getItems()) {
      boolean ours = binding.getSubjects().stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
          && serviceAccount.equals(s.getName()) && namespace.equals(s.getNamespace()));
      if (!ours) {
        continue;
      }
      Role role = server.client().rbac().roles().inNamespace(namespace).withName(binding.getRoleRef().getName()).get();
      grants.addAll(RbacGrants.of(role.getRules()));
    }
    return grants;
  }
}
