package dev.flagstaff.bench.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM configurations P5 compares, each adding one choice to the one before, so each choice's effect shows.
 * A pod is emulated: {@code -XX:MaxRAM} is the container's memory limit (the JVM sizes its heap from it as from a
 * cgroup limit) and {@code -XX:ActiveProcessorCount=1} its CPU limit of 1 (which sizes the GC, JIT and common
 * pools as in the pod).
 */
final class P5Configs {
  static final List<String> NAMES = List.of("before", "serial", "stack-code", "c1", "cds", "arena");
  /** The chart's memory limits before issue 12 and the ones these runs set. */
  static final String LIMIT_BEFORE = "512m";
  static final String OPERATOR_LIMIT = "192m";
  static final String ENDPOINT_LIMIT = "160m";

  /** What one start runs: each jar's JVM options and extra environment. */
  record Choice(String name, List<String> operator, List<String> endpoint, Map<String, String> env) {
  }

  private final Path operatorJar;
  private final Path endpointJar;
  private final Path work;
  private Path operatorArchive;
  private Path endpointArchive;

  /**
   * @param archives empty, or the operator's and the endpoint's class-data archives made elsewhere (as the images
   *     make them: {@code helm/images/*.Dockerfile}), used instead of a training start
   */
  P5Configs(Path operatorJar, Path endpointJar, Path work, List<String> archives) {
    this.operatorJar = operatorJar;
    this.endpointJar = endpointJar;
    this.work = work;
    if (archives.size() == 2) {
      operatorArchive = Path.of(archives.get(0)).toAbsolutePath();
      endpointArchive = Path.of(archives.get(1)).toAbsolutePath();
    }
  }

  List<String> operatorOptions(String name) {
    return options(name, true, operatorArchive);
  }

  List<String> endpointOptions(String name) {
    return options(name, false, endpointArchive);
  }

  /** The choice; for "cds" and after, the class-data archives are made first by one training start of each jar. */
  Choice get(String name, RealCluster cluster, int n) throws Exception {
    if (NAMES.indexOf(name) < 0) {
      throw new IllegalArgumentException("unknown configuration " + name + "; known: " + NAMES);
    }
    if (NAMES.indexOf(name) >= NAMES.indexOf("cds") && operatorArchive == null) {
      train(cluster, n);
    }
    Map<String, String> env = new HashMap<>();
    if (NAMES.indexOf(name) >= NAMES.indexOf("arena")) {
      env.put("MALLOC_ARENA_MAX", "2");
    }
    return new Choice(name, operatorOptions(name), endpointOptions(name), env);
  }

  private static List<String> options(String name, boolean operator, Path archive) {
    int step = NAMES.indexOf(name);
    List<String> o = new ArrayList<>(List.of("-XX:ActiveProcessorCount=1", "-XX:+ExitOnOutOfMemoryError",
        "-Dfile.encoding=UTF-8"));
    if (step == 0) {
      o.addAll(List.of("-XX:MaxRAM=" + LIMIT_BEFORE, "-XX:MaxRAMPercentage=75"));
      return o;
    }
    o.addAll(List.of("-XX:MaxRAM=" + (operator ? OPERATOR_LIMIT : ENDPOINT_LIMIT), "-XX:MaxRAMPercentage=50",
        "-XX:+UseSerialGC"));
    if (step >= NAMES.indexOf("stack-code")) {
      o.addAll(List.of("-Xss512k", "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=96m"));
    }
    if (step >= NAMES.indexOf("c1")) {
      o.add("-XX:TieredStopAtLevel=1");
    }
    if (step >= NAMES.indexOf("cds") && archive != null) {
      o.add("-XX:SharedArchiveFile=" + archive);
    }
    return o;
  }

  /**
   * One start of each jar with {@code -XX:ArchiveClassesAtExit} and the "c1" options: the operator until its flags
   * have been reconciling for 10 s, the endpoint until it lists every flag; the archive is written as each exits.
   */
  private void train(RealCluster cluster, int n) throws Exception {
    Path op = work.resolve("operator.jsa");
    Path ep = work.resolve("endpoint.jsa");
    Files.createDirectories(work);
    Files.deleteIfExists(op);
    Files.deleteIfExists(ep);
    List<String> operator = new ArrayList<>(options("c1", true, null));
    operator.add("-XX:ArchiveClassesAtExit=" + op);
    List<String> endpoint = new ArrayList<>(options("c1", false, null));
    endpoint.add("-XX:ArchiveClassesAtExit=" + ep);
    String ns = cluster.namespace("p5-train-op");
    Cluster.createFlags(cluster.driver(), ns, n, 16);
    int port = Cluster.freePort();
    try (Jvm jvm = Jvm.start("p5-train-operator", operatorJar, operator, cluster.operatorEnv(ns, port), work)) {
      Http.awaitReady(jvm, port, Duration.ofSeconds(120));
      Thread.sleep(10_000);
    }
    String ens = P5Start.endpointNamespace(cluster, "p5-train-ep", n);
    int management = Cluster.freePort();
    try (Jvm jvm = Jvm.start("p5-train-endpoint", endpointJar, endpoint,
        cluster.endpointEnv(ens, "flagstaff-slack-endpoint-0", Cluster.freePort(), management), work)) {
      Http.awaitReady(jvm, management, Duration.ofSeconds(120));
      P5Start.awaitListed(jvm, management, n);
      Thread.sleep(2_000);
    }
    if (!Files.isRegularFile(op) || !Files.isRegularFile(ep)) {
      throw new IllegalStateException("the training starts wrote no class-data archive (" + op + ", " + ep + ")");
    }
    operatorArchive = op;
    endpointArchive = ep;
  }
}
