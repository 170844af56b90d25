package dev.flagstaff.bench.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One of Flagstaff's jars started as its own JVM, its output in a log file; resident memory read from /proc. */
final class Jvm implements AutoCloseable {
  private static final Path BIN = Path.of(System.getProperty("java.home"), "bin");

  private final String name;
  private final Process process;
  private final Path log;
  private final long startedNanos;

  private Jvm(String name, Process process, Path log, long startedNanos) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.startedNanos = startedNanos;
  }

  /** Starts {@code java <options> -jar jar} with only PATH, HOME and {@code env} in its environment. */
  static Jvm start(String name, Path jar, List<String> options, Map<String, String> env, Path logDir) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it first (mvn -B -q package -DskipTests)");
    }
    List<String> command = new ArrayList<>();
    command.add(BIN.resolve("java").toString());
    command.addAll(options);
    command.add("-jar");
    command.add(jar.toString());
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().clear();
      builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      builder.environment().put("HOME", System.getProperty("java.io.tmpdir"));
      builder.environment().putAll(env);
      long started = System.nanoTime();
      return new Jvm(name, builder.start(), log, started);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** System.nanoTime() just before the process was started. */
  long startedNanos() {
    return startedNanos;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** VmRSS in KiB, or -1 when the process is gone. */
  long rssKib() {
    return procStatus("VmRSS:");
  }

  /** VmHWM (peak resident set) in KiB, or -1 when the process is gone. */
  long peakRssKib() {
    return procStatus("VmHWM:");
  }

  /** The number of threads the process has now, or -1 when it is gone. */
  long threads() {
    return procStatus("Threads:");
  }

  private long procStatus(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  /** CPU time (user + system) used so far by this process, in seconds. */
  double cpuSeconds() {
    return cpuSeconds(pid());
  }

  /** CPU time (user + system) used so far by process {@code pid}, in seconds, from /proc (clock ticks of 10 ms). */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Runs {@code jcmd <pid> args...} and returns its output. */
  String jcmd(String... args) {
    List<String> command = new ArrayList<>(List.of(BIN.resolve("jcmd").toString(), Long.toString(pid())));
    command.addAll(List.of(args));
    try {
      Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "jcmd failed: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The last {@code lines} lines of its output, for a failure message. */
  String tail(int lines) {
    try {
      List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ")";
    }
  }

  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + "; its output ends:\n" + tail(40));
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
