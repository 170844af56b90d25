package dev.flagstaff.kube;

import java.nio.file.Path;

/** Files of the repository, seen from the tests (Maven passes the root as {@code flagstaff.root}). */
final class Repository {
  private Repository() {
  }

  static Path root() {
    return Path.of(System.getProperty("flagstaff.root", "..")).toAbsolutePath().normalize();
  }

  static Path path(String first, String... more) {
    return root().resolve(Path.of(first, more));
  }

  static Path operatorJar() {
    return Path.of(System.getProperty("flagstaff.operator.jar", root() + "/operator/target/flagstaff-operator.jar"));
  }

  static Path endpointJar() {
    return Path.of(System.getProperty("flagstaff.endpoint.jar",
        root() + "/slack-endpoint/target/flagstaff-slack-endpoint.jar"));
  }
}
