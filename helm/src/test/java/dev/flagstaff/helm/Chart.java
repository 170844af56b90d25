package dev.flagstaff.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart in helm/flagstaff, run through the real Helm (helm-java, offline, in this JVM).
 * Values are given as YAML text, as a user would write them in a values file.
 */
final class Chart {
  static final Path DIR = Path.of(System.getProperty("flagstaff.chart", "flagstaff")).toAbsolutePath().normalize();
  static final String RELEASE = "flags";
  static final String NAMESPACE = "flagstaff-system";
  /** helm-java's Helm otherwise assumes Kubernetes 1.20, older than the chart's kubeVersion. */
  static final String KUBE_VERSION = "v1.31.0";

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  static {
    // JNA extracts Helm's native library here (surefire sets it to target/jna).
    String jnaTmp = System.getProperty("jna.tmpdir");
    if (jnaTmp != null) {
      try {
        Files.createDirectories(Path.of(jnaTmp));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Chart() {}

  /** {@code helm template flags helm/flagstaff -n flagstaff-system -f <values>}; throws on failure. */
  static Manifests render(String valuesYaml) {
    return renderFor(KUBE_VERSION, valuesYaml);
  }

  /** As {@link #render(String)}, for a cluster of that Kubernetes version (as {@code helm install} learns it). */
  static Manifests renderFor(String kubeVersion, String valuesYaml) {
    Path values = writeTemp("values", ".yaml", valuesYaml);
    try {
      String out = new Helm(DIR).template()
          .withName(RELEASE)
          .withNamespace(NAMESPACE)
          .withKubeVersion(kubeVersion)
          .withValuesFile(values)
          .call();
      return Manifests.parse(out);
    } finally {
      delete(values);
    }
  }

  /** Renders and expects Helm to refuse; returns Helm's message. */
  static String renderFailure(String valuesYaml) {
    try {
      Manifests manifests = render(valuesYaml);
      throw new AssertionError("expected helm template to fail, but it rendered " + manifests.all().size() + " objects");
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  /**
   * {@code helm lint} of the chart with these values. helm-java's lint takes no values file,
   * so this lints a copy of the chart whose values.yaml has the overrides merged in.
   */
  static LintResult lint(String valuesYaml) {
    Path copy = writeTempDir();
    try {
      copyTree(DIR, copy);
      Map<String, Object> values = readYaml(Files.readString(copy.resolve("values.yaml")));
      deepMerge(values, readYaml(valuesYaml));
      Files.writeString(copy.resolve("values.yaml"), YAML.writeValueAsString(values));
      return new Helm(copy).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(copy);
    }
  }

  @SuppressWarnings("unchecked")
  private static void deepMerge(Map<String, Object> into, Map<String, Object> from) {
    from.forEach((key, value) -> {
      if (value instanceof Map && into.get(key) instanceof Map) {
        deepMerge((Map<String, Object>) into.get(key), (Map<String, Object>) value);
      } else {
        into.put(key, value);
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(String yaml) throws IOException {
    Map<String, Object> map = YAML.readValue(yaml.isBlank() ? "{}" : yaml, LinkedHashMap.class);
    return map == null ? new LinkedHashMap<>() : map;
  }

  private static Path writeTemp(String prefix, String suffix, String content) {
    try {
      Path file = Files.createTempFile(prefix, suffix);
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path writeTempDir() {
    try {
      return Files.createTempDirectory("flagstaff-chart").resolve("flagstaff");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  private static void deleteTree(Path dir) {
    Path root = dir.getParent();
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(Chart::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
