package dev.flagstaff.helm;

import dev.flagstaff.testkit.kube.RbacGrants;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * RBAC rules flattened to "group/resource[name]:verb" grants, so two rule lists compare as sets; and the grants
 * the processes were observed needing on a real API server, which the chart must grant exactly.
 */
final class Rules {
  private Rules() {}

  static Set<String> grants(List<PolicyRule> rules) {
    return RbacGrants.of(rules);
  }

  /**
   * The calls each process was observed making on a real API server ({@code rbac/observed-calls.txt}, written by
   * kube-tests' LeastPrivilegeIT from the audit log), as grants: what its Roles must grant, nothing more. Calls
   * every user may make are left out; lines marked unobserved (each with its reason) are in.
   */
  static Set<String> recorded(String component) {
    try {
      Set<String> grants = new TreeSet<>();
      for (String line : Files.readAllLines(RECORD)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t");
        if (fields[0].equals(component) && !fields[2].contains("granted to every user")) {
          grants.add(fields[1]);
        }
      }
      return grants;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The record, as written for the chart's default environment name in it (production), for {@code environment}. */
  static Set<String> forEnvironment(Set<String> grants, String environment) {
    Set<String> renamed = new TreeSet<>();
    grants.forEach(g -> renamed.add(g.replace("[flagstaff-operator-production]", "[flagstaff-operator-" + environment + "]")));
    return renamed;
  }

  static final Path RECORD = Path.of("rbac", "observed-calls.txt");

  /** The operator's leader election, in the release namespace only: creating a Lease, and its own Lease. */
  static final Set<String> LEADER_ELECTION = recorded("operator").stream()
      .filter(g -> g.equals("coordination.k8s.io/leases:create") || g.contains("[flagstaff-operator-"))
      .collect(java.util.stream.Collectors.toCollection(TreeSet::new));

  /** What the operator may do in each namespace it watches. */
  static final Set<String> OPERATOR = recorded("operator").stream().filter(g -> !LEADER_ELECTION.contains(g))
      .collect(java.util.stream.Collectors.toCollection(TreeSet::new));

  /** What the endpoint may do in its namespace. */
  static final Set<String> ENDPOINT = recorded("slack-endpoint");

  /** What the endpoint may do, beyond {@link #ENDPOINT}, in each chatops namespace with chatops.target kubernetes. */
  static final Set<String> CHATOPS = recorded("slack-endpoint+chatops");
}
