package dev.flagstaff.endpoint.chatops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.Plan;
import dev.flagstaff.chatops.command.Refusal;

/**
 * The refusal for a flag a GitOps tool manages (its next sync would revert a change made in the cluster): which
 * file to change in Git, and the lines its {@code spec.environments} entries must read, as the planned change has
 * them; or, for the seed's cleanup, that the file goes.
 */
final class GitLines {
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build();

  private GitLines() {}

  static Refusal refusal(Command command, JsonNode flag, String tool, Plan.Change change, String gitPath) {
    String name = flag.path("metadata").path("name").asText();
    String namespace = flag.path("metadata").path("namespace").asText();
    String file = gitPath == null || gitPath.isEmpty() ? "the manifest of featureflag/" + name + " in the repository "
        + tool.replaceAll(" \\(.*", "") + " syncs" : gitPath.replaceAll("/+$", "") + "/" + name + ".yaml";
    StringBuilder reason = new StringBuilder("featureflag/").append(name).append(" in ").append(namespace)
        .append(" is managed by ").append(tool).append(": its next sync would revert a change made in the cluster, so ")
        .append("nothing was changed. Change it in Git instead, in ").append(file).append(":\n");
    if (change.deleteResource()) {
      reason.append("delete the file (every environment it lists goes).");
    } else {
      ObjectNode lines = YAML.createObjectNode();
      ObjectNode environments = lines.putObject("spec").putObject("environments");
      change.entries().forEach(environments::set);
      change.removed().forEach(removed -> environments.putNull(removed));
      reason.append("```\n").append(yaml(lines)).append("```");
      if (!change.removed().isEmpty()) {
        reason.append("\n(remove the entries shown as null: ").append(String.join(", ", change.removed())).append(')');
      }
    }
    reason.append("\nOr, from a working copy: kubectl flagstaff ").append(command.text()).append(" --file <that file>");
    return Refusal.of(reason.toString());
  }

  private static String yaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
