package dev.flagstaff.bench.ops;

import java.nio.file.Path;
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
  static final List<String> NAMES = List.of("before", "serial", "stack-code", "c1", "cds", "young", "free", "start16", "initial", "arena");
  /** The chart's memory limits before issue 12 and the ones these runs set. */
  static final String LIMIT_BEFORE = "512m";
  static final String OPERATOR_LIMIT = "192m";
  static final String ENDPOINT_LIMIT = "160m";

  /** What one start runs: each jar's JVM options and extra environment. */
  record Choice(String name, List<String> operator, List<String> endpoint, Map<String, String> env) {
  }

  private Path operatorArchive;
  private Path endpointArchive;
  /** {@code --jvm-extra}: options added to every start of both jars (diagnostics); {jvm} becomes the jar's name. */
  private List<String> extra = List.of();

  /**
   * @param archives empty, or the operator's and the endpoint's class-data archives, made as the images make them
   *     ({@code helm/images/*.Dockerfile}, {@code benchmarks/p5-image-archives.sh}), next to the jars they were made
   *     for
   */
  P5Configs(List<String> archives) {
    if (archives.size() == 2) {
      operatorArchive = Path.of(archives.get(0)).toAbsolutePath();
      endpointArchive = Path.of(archives.get(1)).toAbsolutePath();
    }
  }

  P5Configs withExtra(List<String> options) {
    extra = List.copyOf(options);
    return this;
  }

  List<String> operatorOptions(String name) {
    return withExtra(options(name, true, operatorArchive), "operator-" + name);
  }

  List<String> endpointOptions(String name) {
    return withExtra(options(name, false, endpointArchive), "endpoint-" + name);
  }

  private List<String> withExtra(List<String> options, String jvm) {
    List<String> o = new ArrayList<>(options);
    extra.forEach(e -> o.add(e.replace("{jvm}", jvm)));
    return o;
  }

  /** The choice; "cds" and after need the class-data archives ({@code --archives}, as the images make them). */
  Choice get(String name) {
    if (NAMES.indexOf(name) < 0) {
      throw new IllegalArgumentException("unknown configuration " + name + "; known: " + NAMES);
    }
    if (NAMES.indexOf(name) >= NAMES.indexOf("cds") && operatorArchive == null) {
      throw new IllegalArgumentException("configuration " + name + " needs --archives OPERATOR.jsa,ENDPOINT.jsa"
          + " (benchmarks/p5-image-archives.sh makes them as the images do; run-p5.sh passes them)");
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
    if (step >= NAMES.indexOf("young")) {
      o.add("-XX:NewRatio=5"); // a young generation of 1/6 of the heap instead of 1/3: eden is touched whole
    }
    if (step >= NAMES.indexOf("free")) {
      // the old generation grown and shrunk to keep 10-20 % free after a full GC instead of 40-70 %
      o.addAll(List.of("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20"));
    }
    if (step >= NAMES.indexOf("start16")) {
      // a first heap of 16 % of the limit (~31 MiB of 192), below what 1,000 flags keep committed: without it the
      // heap starts at 1/64 and grows by full collections, ten of them (0.24 s) before the operator is ready
      o.add("-XX:InitialRAMPercentage=16");
    }
    if (step >= NAMES.indexOf("initial")) {
      o.add("-XX:InitialRAMPercentage=25"); // start with a quarter of the limit, not 1/64: fewer GCs while starting
    }
    return o;
  }
}
