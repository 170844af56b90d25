package dev.flagstaff.chatops.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.chatops.command.Plan;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A change written into a manifest's text as targeted line edits, located with SnakeYAML's node marks: only the
 * named environments' lines change; every other line (comments, key order, quoting, blank lines) stays as it is.
 * Within an entry, a changed scalar is replaced where it stands (its trailing comment kept), a field that goes
 * loses its lines, and a new field is written in the order enabled, percentage, strategy, actors, requires.
 */
final class YamlEdits {
  private static final List<String> ORDER = List.of("enabled", "percentage", "strategy", "actors", "requires", "rollout");
  private static final Pattern PLAIN = Pattern.compile("[a-z][-a-z0-9_]*");
  private static final Set<String> RESERVED = Set.of("true", "false", "null", "yes", "no", "on", "off", "y", "n");

  /** Replace lines [from, to] (0-based, inclusive; to = from - 1 inserts before from) with {@code lines}. */
  private record Edit(int from, int to, List<String> lines, int order) {}

  private final List<String> text;
  private final List<Edit> edits = new ArrayList<>();

  private YamlEdits(List<String> text) {
    this.text = text;
  }

  /** The text with the change's entries written into the document {@code document} (a FeatureFlag). */
  static List<String> apply(List<String> text, MappingNode document, JsonNode original, Plan.Change change) {
    YamlEdits edits = new YamlEdits(text);
    MappingNode spec = (MappingNode) value(document, "spec");
    Node environments = value(spec, "environments");
    if (!(environments instanceof MappingNode map) || map.getFlowStyle() == DumperOptions.FlowStyle.FLOW) {
      throw new IllegalArgumentException("spec.environments is not a block mapping");
    }
    int step = indentStep(map, spec);
    int column = map.getValue().isEmpty() ? spec.getValue().get(0).getKeyNode().getStartMark().getColumn() + step
        : map.getValue().get(0).getKeyNode().getStartMark().getColumn();
    change.entries().forEach((environment, entry) -> {
      NodeTuple tuple = tuple(map, environment);
      JsonNode before = original.path("spec").path("environments").path(environment);
      if (tuple == null) {
        edits.insert(lastLine(map) + 1, render(environment, entry, column, step));
      } else if (tuple.getValueNode() instanceof MappingNode fields && fields.getFlowStyle() == DumperOptions.FlowStyle.BLOCK
          && !fields.getValue().isEmpty()) {
        edits.entry(fields, before, entry);
      } else {
        edits.replace(tuple, render(environment, entry, column, step));
      }
    });
    change.removed().forEach(environment -> {
      NodeTuple tuple = tuple(map, environment);
      if (tuple != null) {
        edits.replace(tuple, List.of());
      }
    });
    List<String> out = new ArrayList<>(text);
    // Bottom up, so that line numbers above stay true; of two insertions at one line, the later first.
    edits.edits.sort(Comparator.comparingInt(Edit::from).thenComparingInt(Edit::order).reversed());
    for (Edit edit : edits.edits) {
      for (int i = edit.to(); i >= edit.from(); i--) {
        out.remove(i);
      }
      out.addAll(edit.from(), edit.lines());
    }
    return out;
  }

  private void entry(MappingNode fields, JsonNode before, ObjectNode entry) {
    int column = fields.getValue().get(0).getKeyNode().getStartMark().getColumn();
    for (NodeTuple tuple : fields.getValue()) {
      String key = ((ScalarNode) tuple.getKeyNode()).getValue();
      JsonNode wanted = entry.get(key);
      if (wanted == null) {
        replace(tuple, List.of());
      } else if (!wanted.equals(before.get(key))) {
        Node value = tuple.getValueNode();
        if (value instanceof ScalarNode scalar && wanted.isValueNode()
            && scalar.getStartMark().getLine() == scalar.getEndMark().getLine()) {
          int line = scalar.getStartMark().getLine();
          String old = text.get(line);
          add(line, line, List.of(old.substring(0, scalar.getStartMark().getColumn()) + scalar(wanted)
              + old.substring(scalar.getEndMark().getColumn())));
        } else {
          replace(tuple, render(key, wanted, column, 2));
        }
      }
    }
    entry.fields().forEachRemaining(field -> {
      if (tuple(fields, field.getKey()) != null) {
        return;
      }
      int rank = rank(field.getKey());
      int at = lastLine(fields) + 1;
      for (NodeTuple tuple : fields.getValue()) {
        if (rank(((ScalarNode) tuple.getKeyNode()).getValue()) > rank) {
          at = tuple.getKeyNode().getStartMark().getLine();
          break;
        }
      }
      insert(at, render(field.getKey(), field.getValue(), column, 2));
    });
  }

  private void replace(NodeTuple tuple, List<String> lines) {
    add(tuple.getKeyNode().getStartMark().getLine(), lastLine(tuple.getValueNode()), lines);
  }

  private void insert(int line, List<String> lines) {
    add(line, line - 1, lines);
  }

  private void add(int from, int to, List<String> lines) {
    edits.add(new Edit(from, to, lines, edits.size()));
  }

  private static int rank(String key) {
    int rank = ORDER.indexOf(key);
    return rank < 0 ? ORDER.size() : rank;
  }

  /** The block lines of {@code key: value} at {@code column}, nested values {@code step} further in. */
  static List<String> render(String key, JsonNode value, int column, int step) {
    String indent = " ".repeat(column);
    List<String> lines = new ArrayList<>();
    if (value.isObject()) {
      lines.add(indent + key + ":");
      value.fields().forEachRemaining(f -> lines.addAll(render(f.getKey(), f.getValue(), column + step, step)));
    } else if (value.isArray()) {
      lines.add(indent + key + ":");
      value.forEach(item -> lines.add(indent + " ".repeat(step) + "- " + scalar(item)));
    } else {
      lines.add(indent + key + ": " + scalar(value));
    }
    return lines;
  }

  static String scalar(JsonNode value) {
    if (value.isBoolean() || value.isIntegralNumber()) {
      return value.asText();
    }
    if (value.isNumber()) {
      return BigDecimal.valueOf(value.doubleValue()).stripTrailingZeros().toPlainString();
    }
    String text = value.asText();
    return PLAIN.matcher(text).matches() && !RESERVED.contains(text) ? text : value.toString();
  }

  private static int indentStep(MappingNode environments, MappingNode spec) {
    for (NodeTuple tuple : environments.getValue()) {
      if (tuple.getValueNode() instanceof MappingNode entry && !entry.getValue().isEmpty()
          && entry.getFlowStyle() == DumperOptions.FlowStyle.BLOCK) {
        return entry.getValue().get(0).getKeyNode().getStartMark().getColumn()
            - tuple.getKeyNode().getStartMark().getColumn();
      }
    }
    return 2;
  }

  /** The last line holding any of the node's content (a block scalar's end mark is the next line's start). */
  static int lastLine(Node node) {
    if (node instanceof MappingNode map && map.getFlowStyle() == DumperOptions.FlowStyle.BLOCK) {
      int last = map.getStartMark().getLine();
      for (NodeTuple tuple : map.getValue()) {
        last = Math.max(last, Math.max(lastLine(tuple.getKeyNode()), lastLine(tuple.getValueNode())));
      }
      return last;
    }
    if (node instanceof SequenceNode list && list.getFlowStyle() == DumperOptions.FlowStyle.BLOCK) {
      int last = list.getStartMark().getLine();
      for (Node item : list.getValue()) {
        last = Math.max(last, lastLine(item));
      }
      return last;
    }
    int end = node.getEndMark().getLine();
    return node.getEndMark().getColumn() == 0 && end > node.getStartMark().getLine() ? end - 1 : end;
  }

  static Node value(MappingNode map, String key) {
    NodeTuple tuple = tuple(map, key);
    return tuple == null ? null : tuple.getValueNode();
  }

  static NodeTuple tuple(MappingNode map, String key) {
    for (NodeTuple tuple : map.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
        return tuple;
      }
    }
    return null;
  }

}
