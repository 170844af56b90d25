package dev.flagstaff.testkit.kube;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * RBAC rules flattened to {@code group/resource[name]:verb} grants, so that what a chart renders, what a server holds
 * and what a process was observed calling compare as sets.
 */
public final class RbacGrants {
  private RbacGrants() {}

  public static Set<String> of(List<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      List<String> names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
          ? List.of("") : rule.getResourceNames();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String name : names) {
            for (String verb : rule.getVerbs()) {
              grants.add(grant(group + "/" + resource, name, verb));
            }
          }
        }
      }
    }
    return grants;
  }

  /** {@code resource} is {@code group/resource[/subresource]}; {@code name} empty for any name. */
  public static String grant(String resource, String name, String verb) {
    return resource + (name.isEmpty() ? "" : "[" + name + "]") + ":" + verb;
  }
}
