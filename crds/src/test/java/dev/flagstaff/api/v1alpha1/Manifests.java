package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Manifests as kubectl reads them: YAML files of one or more documents. */
public final class Manifests {
  /** The repository's examples folder, seen from the crds module (where Maven runs its tests). */
  public static final Path EXAMPLES = Path.of("..", "examples");

  private static final YAMLMapper YAML = new YAMLMapper();

  private Manifests() {}

  /** One document of a file. */
  public record Document(Path file, int index, JsonNode node) {
    public boolean isFeatureFlag() {
      return "FeatureFlag".equals(node.path("kind").asText())
          && node.path("apiVersion").asText().startsWith(FeatureFlag.GROUP + "/");
    }

    public FeatureFlag toFeatureFlag() {
      return Serialization.unmarshal(node.toString(), FeatureFlag.class);
    }

    @Override
    public String toString() {
      return file + (index > 0 ? " (document " + (index + 1) + ")" : "");
    }
  }

  /** Every non-empty document of a YAML file. */
  public static List<Document> read(Path file) {
    List<Document> documents = new ArrayList<>();
    try (JsonParser parser = new YAMLFactory().createParser(file.toFile());
         MappingIterator<JsonNode> nodes = YAML.readValues(parser, JsonNode.class)) {
      int index = 0;
      while (nodes.hasNext()) {
        JsonNode node = nodes.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(new Document(file, index, node));
        }
        index++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return documents;
  }

  /** The *.yaml and *.yml files under a folder, recursively, in a stable order. */
  public static List<Path> yamlFiles(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(".yaml") || f.getFileName().toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
  }

  /** The message a file of the invalid corpus expects, from its first line: {@code # expect: <message>}. */
  public static String expectation(Path file) {
    try {
      String first = Files.readAllLines(file).get(0);
      String prefix = "# expect: ";
      if (!first.startsWith(prefix) || first.length() == prefix.length()) {
        throw new IllegalArgumentException(file + " must start with '" + prefix + "<message>'");
      }
      return first.substring(prefix.length()).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
