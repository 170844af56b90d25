package dev.flagstaff.helm;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** RBAC rules flattened to "group/resource[name]:verb" grants, so two rule lists compare as sets. */
final class Rules {
  private Rules() {}

  static Set<String> grants(List<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      List<String> names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
          ? List.of("") : rule.getResourceNames();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String name : names) {
            for (String verb : rule.getVerbs()) {
              grants.add(group + "/" + resource + (name.isEmpty() ? "" : "[" + name + "]") + ":" + verb);
            }
          }
        }
      }
    }
    return grants;
  }

  /** What the operator may do in each namespace it watches (README, "Operator RBAC"). */
  static final Set<String> OPERATOR = Set.of(
      "flagstaff.dev/featureflags:get",
      "flagstaff.dev/featureflags:list",
      "flagstaff.dev/featureflags:watch",
      "flagstaff.dev/featureflags:patch",
      "flagstaff.dev/featureflags/status:update",
      "/configmaps:get",
      "/configmaps:list",
      "/configmaps:watch",
      "/configmaps:create",
      "/configmaps:patch",
      "/events:create",
      "coordination.k8s.io/leases:list",
      "coordination.k8s.io/leases:watch");

  /** The operator's leader election, in the release namespace only. */
  static final Set<String> LEADER_ELECTION = Set.of(
      "coordination.k8s.io/leases:get",
      "coordination.k8s.io/leases:create",
      "coordination.k8s.io/leases:update",
      "coordination.k8s.io/leases:patch");
}
