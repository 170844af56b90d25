package dev.flagstaff.chatops.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.Plan;
import dev.flagstaff.chatops.command.Planner;
import dev.flagstaff.chatops.command.Refusal;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The {@code --file} write target: a FeatureFlag manifest in a Git working copy, edited in place (comments and key
 * order kept), checked offline, and shown as a diff. The edit is proven by reading the edited text back: it must say
 * exactly what the command model planned, or nothing is written.
 */
public final class ManifestFile {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** One FeatureFlag document of the file: its JSON and its SnakeYAML node (with line marks). */
  public record Document(ObjectNode json, MappingNode node) {}

  private final Path file;
  private final PrintWriter out;
  private final PrintWriter err;
  private final String prefix;

  public ManifestFile(Path file, PrintWriter out, PrintWriter err, String prefix) {
    this.file = file;
    this.out = out;
    this.err = err;
    this.prefix = prefix;
  }

  /** The FeatureFlag documents of the file, in order. */
  public List<Document> read() throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<Document> documents = new ArrayList<>();
    List<JsonNode> jsons = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll();
    int i = 0;
    for (Node node : new Yaml(new LoaderOptions()).composeAll(new StringReader(text))) {
      JsonNode json = i < jsons.size() ? jsons.get(i) : null;
      i++;
      if (node instanceof MappingNode map && json instanceof ObjectNode object
          && "FeatureFlag".equals(object.path("kind").asText())) {
        documents.add(new Document(object, map));
      }
    }
    return documents;
  }

  /** Carries out {@code set} or {@code delete} on the file; 0 done, 1 refused. */
  public int run(Command command, Planner planner, boolean dryRun) {
    try {
      return change(command, planner, dryRun);
    } catch (IOException | RuntimeException e) {
      err.println(Refusal.of("Cannot edit " + file + ": " + e.getMessage() + ". Nothing was changed.").render(prefix));
      return 1;
    }
  }

  /**
   * A planned edit of the file: the plan, and the text before and after ({@code after} empty: the file goes), or the
   * refusal (with the exit code a front end gives it) when there is nothing to write.
   */
  public record Edit(Plan plan, List<String> before, List<String> after, Refusal refusal, int code) {
    /** The diff {@code git diff} would show, with {@code path} as the file's name. */
    public String diff(String path) {
      return UnifiedDiff.of(path, trim(before), trim(after));
    }
  }

  private static Edit refused(Refusal refusal, int code) {
    return new Edit(null, List.of(), List.of(), refusal, code);
  }

  /** Plans {@code set} or {@code delete} on the file as it is now, and writes the edit in memory only. */
  public Edit edit(Command command, Planner planner) throws IOException {
    String flag = command instanceof Command.Set set ? set.flag()
        : command instanceof Command.Delete delete ? delete.flag() : null;
    if (flag == null) {
      return refused(Refusal.of("--file edits a manifest with set or delete; get and list read the cluster.",
          command.text()), 2);
    }
    List<Document> documents = read();
    Document document = documents.stream().filter(d -> flag.equals(d.json().path("metadata").path("name").asText())
        || flag.equals(d.json().path("spec").path("key").asText(d.json().path("metadata").path("name").asText())))
        .findFirst().orElse(null);
    if (document == null) {
      return refused(Refusal.of(file.getFileName() + " holds no FeatureFlag with key or name '" + flag
          + "'. Nothing was changed.", command.text() + " --file <the flag's manifest>"), 1);
    }
    Plan plan = command instanceof Command.Set set ? planner.plan(set, document.json())
        : planner.plan((Command.Delete) command, document.json());
    if (plan instanceof Plan.Refused refusedPlan) {
      return refused(refusedPlan.refusal(), 1);
    }
    Plan.Change change = (Plan.Change) plan;
    List<String> before = Arrays.asList(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1));
    if (change.deleteResource()) {
      if (YAML.readerFor(JsonNode.class).readValues(String.join("\n", before)).readAll().size() > 1) {
        return refused(Refusal.of(file.getFileName() + " holds more than one document: remove the FeatureFlag's "
            + "document by hand."), 1);
      }
      return new Edit(plan, before, List.of(), null, 0);
    }
    List<String> after = YamlEdits.apply(before, document.node(), document.json(), change);
    JsonNode reread = reread(String.join("\n", after), documents.indexOf(document));
    if (!change.result().equals(reread)) {
      return refused(Refusal.of("Cannot edit " + file.getFileName() + " in place without changing more than the "
          + "named environments; nothing was changed. Edit spec.environments by hand to read: "
          + change.result().path("spec").path("environments")), 1);
    }
    return new Edit(plan, before, after, null, 0);
  }

  /** Writes an edit made by {@link #edit}: the new text, or the file deleted. */
  public void write(Edit edit) throws IOException {
    Plan.Change change = (Plan.Change) edit.plan();
    if (change.deleteResource()) {
      Files.delete(file);
    } else if (!change.isNoOp()) {
      Files.writeString(file, String.join("\n", edit.after()), StandardCharsets.UTF_8);
    }
  }

  private int change(Command command, Planner planner, boolean dryRun) throws IOException {
    Edit edit = edit(command, planner);
    if (edit.refusal() != null) {
      err.println(edit.refusal().render(prefix));
      return edit.code();
    }
    out.print(edit.diff(file.toString()));
    if (dryRun) {
      return 0;
    }
    write(edit);
    Plan.Change change = (Plan.Change) edit.plan();
    out.println(file + (change.deleteResource() ? " deleted" : change.isNoOp() ? " unchanged" : " edited"));
    change.transitions().forEach(t -> out.println("  " + t));
    return 0;
  }

  /** The FeatureFlag document at {@code index} of the edited text, as JSON. */
  private static JsonNode reread(String text, int index) throws IOException {
    List<JsonNode> flags = new ArrayList<>();
    for (JsonNode json : YAML.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll()) {
      if ("FeatureFlag".equals(json.path("kind").asText())) {
        flags.add(json);
      }
    }
    return flags.get(index);
  }

  /** The lines of a text that ends with a newline, without the empty string after it. */
  private static List<String> trim(List<String> lines) {
    return !lines.isEmpty() && lines.get(lines.size() - 1).isEmpty() ? lines.subList(0, lines.size() - 1) : lines;
  }
}
