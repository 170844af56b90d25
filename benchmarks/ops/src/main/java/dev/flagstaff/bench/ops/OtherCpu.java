package dev.flagstaff.bench.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The CPU the rest of the machine used while a measurement ran, in cores: all busy CPU time ({@code /proc/stat})
 * minus that of this driver and every process it started (etcd, kube-apiserver, the jars, kubectl), as P3 reports
 * it. Descendants are sampled every 500 ms and their last seen CPU time is kept, so a process that exits during the
 * measurement is still counted as ours. Linux only; elsewhere NaN.
 */
final class OtherCpu implements AutoCloseable {
  private final int cores = Runtime.getRuntime().availableProcessors();
  private final Map<Long, Long> ticks = new HashMap<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "other-cpu");
    t.setDaemon(true);
    return t;
  });

  OtherCpu() {
    sampler.scheduleAtFixedRate(this::sampleOurs, 0, 500, TimeUnit.MILLISECONDS);
  }

  /** A running measurement: {@link Window#cores()} is what others used since it began. */
  Window begin() {
    return new Window(machineTicks(), ours());
  }

  final class Window {
    private final long[] machine;
    private final long ours;

    private Window(long[] machine, long ours) {
      this.machine = machine;
      this.ours = ours;
    }

    double cores() {
      long[] now = machineTicks();
      long mine = ours();
      if (machine == null || now == null || now[1] == machine[1]) {
        return Double.NaN;
      }
      double busy = now[0] - machine[0];
      double total = now[1] - machine[1];
      return Stats.round(Math.max(0, (busy - (mine - ours)) / total * cores));
    }
  }

  private synchronized void sampleOurs() {
    ProcessHandle self = ProcessHandle.current();
    ticks.put(self.pid(), processTicks(self.pid()));
    self.descendants().forEach(p -> {
      long t = processTicks(p.pid());
      if (t >= 0) {
        ticks.merge(p.pid(), t, Math::max);
      }
    });
  }

  private synchronized long ours() {
    sampleOurs();
    return ticks.values().stream().mapToLong(Long::longValue).sum();
  }

  /** {busy jiffies, total jiffies} of the whole machine, or null without /proc. */
  private static long[] machineTicks() {
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      long total = 0;
      for (int i = 1; i < cpu.length && i <= 8; i++) {
        long v = Long.parseLong(cpu[i]);
        total += v;
        if (i != 4 && i != 5) { // idle, iowait
          busy += v;
        }
      }
      return new long[] {busy, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
