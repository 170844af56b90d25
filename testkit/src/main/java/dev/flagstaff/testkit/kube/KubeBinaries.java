package dev.flagstaff.testkit.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the real Kubernetes binaries are: a folder holding {@code kube-apiserver}, {@code etcd} and {@code kubectl}
 * (and {@code helm}, for the chart tests), found the way the ecosystem keeps them, first match wins:
 * <ol>
 *   <li>{@code FLAGSTAFF_KUBE_ASSETS} (what {@code testkit/kube/build.sh} builds into when it is set);</li>
 *   <li>{@code KUBEBUILDER_ASSETS} (controller-runtime's envtest);</li>
 *   <li>{@code ~/.kubeapitest/k8s/<version>-linux-amd64/} (Fabric8 kube-api-test, and build.sh's default), newest
 *       version first.</li>
 * </ol>
 */
public record KubeBinaries(Path folder) {
  /** What a user reads when the real-API-server tests cannot run. */
  public static final String HOW_TO_ENABLE = "build them with testkit/kube/build.sh (needs Go; the first build takes"
      + " about 20 minutes), or set KUBEBUILDER_ASSETS to a folder holding kube-apiserver, etcd and kubectl";

  public Path apiServer() {
    return folder.resolve("kube-apiserver");
  }

  public Path etcd() {
    return folder.resolve("etcd");
  }

  public Path kubectl() {
    return folder.resolve("kubectl");
  }

  /** {@code helm} beside the others, else on the PATH; empty when neither. */
  public Optional<Path> helm() {
    if (Files.isExecutable(folder.resolve("helm"))) {
      return Optional.of(folder.resolve("helm"));
    }
    return onPath("helm");
  }

  public static Optional<KubeBinaries> find() {
    return find(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  static Optional<KubeBinaries> find(Map<String, String> env, Path home) {
    List<Path> candidates = new ArrayList<>();
    for (String variable : List.of("FLAGSTAFF_KUBE_ASSETS", "KUBEBUILDER_ASSETS")) {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        candidates.add(Path.of(value));
      }
    }
    Path kubeApiTest = home.resolve(".kubeapitest").resolve("k8s");
    if (Files.isDirectory(kubeApiTest)) {
      try (Stream<Path> versions = Files.list(kubeApiTest)) {
        versions.filter(p -> p.getFileName().toString().endsWith("-linux-amd64"))
            .sorted(Comparator.comparing(KubeBinaries::versionOf).reversed())
            .forEach(candidates::add);
      } catch (IOException e) {
        // an unreadable folder holds no binaries
      }
    }
    return candidates.stream().map(KubeBinaries::new).filter(KubeBinaries::complete).findFirst();
  }

  boolean complete() {
    return Files.isExecutable(apiServer()) && Files.isExecutable(etcd()) && Files.isExecutable(kubectl());
  }

  /** {@code 1.37.2-linux-amd64} → a key that sorts numerically (1.9 before 1.10). */
  private static String versionOf(Path folder) {
    String name = folder.getFileName().toString().replace("-linux-amd64", "");
    StringBuilder key = new StringBuilder();
    for (String part : name.split("\\.")) {
      key.append(String.format("%06d", part.chars().allMatch(Character::isDigit) && !part.isEmpty()
          ? Integer.parseInt(part) : 0));
    }
    return key.toString();
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
