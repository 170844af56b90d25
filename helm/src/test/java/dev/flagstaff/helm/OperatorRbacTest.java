package dev.flagstaff.helm;

import static dev.flagstaff.helm.Chart.NAMESPACE;
import static dev.flagstaff.helm.Values.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator gets exactly the calls it was observed making on a real API server (rbac/observed-calls.txt),
 * where it makes them: the flags ConfigMap by name, its own leader-election Lease by name.
 */
class OperatorRbacTest {
  private static final String LEADER_ELECTION = OPERATOR + "-leader-election";

  @Test
  void byDefaultTheOperatorMayActOnlyInTheReleaseNamespace() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    Role role = manifests.get(Role.class, OPERATOR);
    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(Rules.grants(role.getRules())).isEqualTo(Rules.OPERATOR);
    assertBoundToOperator(manifests.get(RoleBinding.class, OPERATOR), NAMESPACE, "Role", OPERATOR);
    assertThat(manifests.ofType(ClusterRole.class)).isEmpty();
    assertThat(manifests.ofType(ClusterRoleBinding.class)).isEmpty();
    assertThat(env(manifests, "FLAGSTAFF_NAMESPACES")).isEqualTo(NAMESPACE);
  }

  @Test
  void listedNamespacesGetOneRoleAndBindingEach() {
    Manifests manifests = Chart.render(Values.defaultsWith("operator: {watchNamespaces: [team-a, team-b]}"));

    List<Role> roles = manifests.ofType(Role.class).stream()
        .filter(r -> r.getMetadata().getName().equals(OPERATOR)).toList();
    assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
    roles.forEach(role -> assertThat(Rules.grants(role.getRules())).isEqualTo(Rules.OPERATOR));
    List<RoleBinding> bindings = manifests.ofType(RoleBinding.class).stream()
        .filter(b -> b.getMetadata().getName().equals(OPERATOR)).toList();
    assertThat(bindings).hasSize(2);
    bindings.forEach(b -> assertBoundToOperator(b, b.getMetadata().getNamespace(), "Role", OPERATOR));
    assertThat(manifests.ofType(ClusterRole.class)).isEmpty();
    assertThat(env(manifests, "FLAGSTAFF_NAMESPACES")).isEqualTo("team-a,team-b");
  }

  @Test
  void watchingAllNamespacesUsesOneClusterRoleWithTheSameVerbs() {
    Manifests manifests = Chart.render(Values.defaultsWith("operator: {watchNamespaces: [\"*\"]}"));

    String name = NAMESPACE + "-" + OPERATOR;
    ClusterRole clusterRole = manifests.get(ClusterRole.class, name);
    assertThat(Rules.grants(clusterRole.getRules())).isEqualTo(Rules.OPERATOR);
    assertBoundToOperator(manifests.get(ClusterRoleBinding.class, name), null, "ClusterRole", name);
    assertThat(manifests.find(Role.class, OPERATOR)).isEmpty();
    assertThat(env(manifests, "FLAGSTAFF_NAMESPACES")).isEqualTo("*");
  }

  @Test
  void withOneReplicaThereIsNoLeaderElectionAndRolloutsNeverOverlapTwoOperators() {
    Manifests manifests = Chart.render(Values.DEFAULTS);

    assertThat(manifests.find(Role.class, LEADER_ELECTION)).isEmpty();
    assertThat(env(manifests, "FLAGSTAFF_LEADER_ELECTION")).isEqualTo("false");
    assertThat(manifests.get(Deployment.class, OPERATOR).getSpec().getStrategy().getType()).isEqualTo("Recreate");
  }

  @Test
  void aSecondReplicaTurnsOnLeaderElectionWithALeaseRoleInTheReleaseNamespace() {
    Manifests manifests = Chart.render(Values.defaultsWith(
        "operator: {replicas: 2, watchNamespaces: [\"*\"]}"));

    Role lease = manifests.get(Role.class, LEADER_ELECTION);
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(Rules.grants(lease.getRules())).isEqualTo(Rules.forEnvironment(Rules.LEADER_ELECTION, "staging"));
    assertBoundToOperator(manifests.get(RoleBinding.class, LEADER_ELECTION), NAMESPACE, "Role", LEADER_ELECTION);
    // Cluster-wide, Leases may only be read (the consumers' reports), never written.
    manifests.ofType(ClusterRole.class).forEach(cr ->
        assertThat(Rules.grants(cr.getRules())).filteredOn(g -> g.contains("leases"))
            .containsExactlyInAnyOrder("coordination.k8s.io/leases:list", "coordination.k8s.io/leases:watch"));
    Deployment deployment = manifests.get(Deployment.class, OPERATOR);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getStrategy()).isNull();
    assertThat(env(manifests, "FLAGSTAFF_LEADER_ELECTION")).isEqualTo("true");
  }

  @Test
  void leaderElectionCanBeTurnedOnForASingleReplica() {
    Manifests manifests = Chart.render(Values.defaultsWith("operator: {leaderElection: {enabled: true}}"));

    assertThat(manifests.find(Role.class, LEADER_ELECTION)).isPresent();
    assertThat(env(manifests, "FLAGSTAFF_LEADER_ELECTION")).isEqualTo("true");
  }

  @Test
  void noRuleInAnyModeUsesWildcardsOrTouchesSecrets() {
    for (String values : List.of(
        Values.DEFAULTS,
        Values.NON_DEFAULT,
        Values.defaultsWith("operator: {replicas: 2, watchNamespaces: [\"*\"]}"))) {
      Manifests manifests = Chart.render(values);
      Stream<PolicyRule> rules = Stream.concat(
          manifests.ofType(Role.class).stream().flatMap(r -> r.getRules().stream()),
          manifests.ofType(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()));
      assertThat(rules.toList()).isNotEmpty().allSatisfy(rule -> {
        assertThat(rule.getVerbs()).doesNotContain("*");
        assertThat(rule.getResources()).doesNotContain("*", "secrets");
        assertThat(rule.getApiGroups()).doesNotContain("*");
      });
    }
  }

  private static void assertBoundToOperator(Object binding, String namespace, String roleKind, String roleName) {
    List<Subject> subjects;
    String kind;
    String name;
    if (binding instanceof RoleBinding rb) {
      assertThat(rb.getMetadata().getNamespace()).isEqualTo(namespace);
      subjects = rb.getSubjects();
      kind = rb.getRoleRef().getKind();
      name = rb.getRoleRef().getName();
    } else {
      ClusterRoleBinding crb = (ClusterRoleBinding) binding;
      subjects = crb.getSubjects();
      kind = crb.getRoleRef().getKind();
      name = crb.getRoleRef().getName();
    }
    assertThat(kind).isEqualTo(roleKind);
    assertThat(name).isEqualTo(roleName);
    assertThat(subjects).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(OPERATOR);
      assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
    });
  }

  static String env(Manifests manifests, String name) {
    return manifests.get(Deployment.class, OPERATOR).getSpec().getTemplate().getSpec().getContainers().get(0)
        .getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
        .orElseThrow(() -> new AssertionError("operator has no env var " + name));
  }
}
