package dev.flagstaff.bench.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run happened on (cores, CPU model, JDK) and its 1-minute load average, sampled every 5 s while the
 * run lasts: the machine is shared, and the results say so.
 */
final class Machine implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final List<Double> load = new ArrayList<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "loadavg");
    t.setDaemon(true);
    return t;
  });

  Machine() {
    sampler.scheduleAtFixedRate(this::sample, 0, 5, TimeUnit.SECONDS);
  }

  private void sample() {
    double now = loadAverage();
    synchronized (load) {
      load.add(now);
    }
  }

  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Cores, CPU, JDK, and the load average so far (median, min, max of the 5-second samples). */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", Instant.now().toString());
    m.put("nproc", Runtime.getRuntime().availableProcessors());
    m.put("cpu", cpuModel());
    m.put("memTotal", memTotal());
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    synchronized (load) {
      m.put("loadAverage1m", Stats.spread(new ArrayList<>(load)));
    }
    return m;
  }

  private static String cpuModel() {
    return procLine("/proc/cpuinfo", "model name");
  }

  private static String memTotal() {
    return procLine("/proc/meminfo", "MemTotal");
  }

  private static String procLine(String file, String prefix) {
    try {
      return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  static void write(Path file, Object result) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writeValue(file.toFile(), result);
  }

  static String pretty(Object result) throws IOException {
    return JSON.writeValueAsString(result);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
