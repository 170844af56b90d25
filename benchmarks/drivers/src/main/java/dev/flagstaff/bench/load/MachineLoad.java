package dev.flagstaff.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How much CPU the rest of the machine used while the benchmark ran: all busy CPU time ({@code /proc/stat}) minus
 * that of the driver and the servers under test ({@code /proc/<pid>/stat}), in cores. On a shared machine this
 * says which runs saw a quiet machine. Linux only; elsewhere it reports NaN.
 */
final class MachineLoad {
  private final List<Long> ours = new ArrayList<>();
  private final int cores = Runtime.getRuntime().availableProcessors();
  private long[] start;

  MachineLoad(List<Long> serverPids) {
    ours.add(ProcessHandle.current().pid());
    ours.addAll(serverPids);
  }

  void begin() {
    start = sample();
  }

  /** Cores used by other processes since {@link #begin()}. */
  double otherCores() {
    long[] end = sample();
    if (start == null || end == null || end[1] == start[1]) {
      return Double.NaN;
    }
    double busy = end[0] - start[0];
    double total = end[1] - start[1];
    double mine = end[2] - start[2];
    return Math.max(0, (busy - mine) / total * cores);
  }

  /** Waits (at most {@code maxMillis}) for a 2-second window in which other processes use less than {@code cores}. */
  double awaitQuiet(double belowCores, long maxMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + maxMillis;
    double other;
    do {
      begin();
      Thread.sleep(2_000);
      other = otherCores();
    } while (!(other < belowCores) && !Double.isNaN(other) && System.currentTimeMillis() < deadline);
    return other;
  }

  /** {busy jiffies, total jiffies, our processes' jiffies}, or null when /proc is not there. */
  private long[] sample() {
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
      long mine = 0;
      for (long pid : ours) {
        mine += processTicks(pid);
      }
      return new long[] {busy, total, mine};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after the command: state is field 3, utime 14 and stime 15 (1-based over the whole line)
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
