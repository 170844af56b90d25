package dev.flagstaff.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one run measured, over its measured window only. Latencies are in milliseconds, from each request's
 * scheduled send time to the end of its answer, over the requests answered 200 within the timeout.
 */
record RunResult(String target, int rate, double seconds, long sent, long ok, long non200, long timeouts,
    long ioErrors, double p50, double p90, double p99, double p999, double max, double sendLagP99,
    double otherCores) {

  RunResult(String target, int rate, double seconds, long sent, long ok, long non200, long timeouts, long ioErrors,
      Histogram latencyMicros, Histogram sendLagMicros) {
    this(target, rate, seconds, sent, ok, non200, timeouts, ioErrors,
        ms(latencyMicros, 50), ms(latencyMicros, 90), ms(latencyMicros, 99), ms(latencyMicros, 99.9),
        latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0,
        ms(sendLagMicros, 99), Double.NaN);
  }

  /** The same result, with the CPU other processes used during the run (in cores). */
  RunResult withOtherCores(double cores) {
    return new RunResult(target, rate, seconds, sent, ok, non200, timeouts, ioErrors, p50, p90, p99, p999, max,
        sendLagP99, cores);
  }

  private static double ms(Histogram micros, double percentile) {
    return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(percentile) / 1000.0;
  }

  long errors() {
    return non200 + timeouts + ioErrors + Math.max(0, sent - ok - non200 - timeouts - ioErrors);
  }

  /** Answers 200 per second of the measured window. */
  double achieved() {
    return ok / seconds;
  }

  /** Within the latency limit with at most 0.1% errors. */
  boolean passes(double p99LimitMs) {
    return sent > 0 && errors() <= sent / 1000 && p99 <= p99LimitMs;
  }

  String line(String label) {
    return String.format(java.util.Locale.ROOT,
        "%-8s %-10s %6d/s  sent %7d  ok %7d  err %6d (non200 %d, timeout %d, io %d)  "
            + "p50 %7.2f  p90 %7.2f  p99 %7.2f  p99.9 %7.2f  max %8.2f ms  achieved %7.0f/s  "
            + "send-lag p99 %.2f ms  other CPU %.2f cores",
        label, target, rate, sent, ok, errors(), non200, timeouts, ioErrors, p50, p90, p99, p999, max, achieved(),
        sendLagP99, otherCores);
  }

  String json(String phase, int round) {
    return String.format(java.util.Locale.ROOT,
        "{\"phase\":\"%s\",\"round\":%d,\"target\":\"%s\",\"rate\":%d,\"seconds\":%.1f,\"sent\":%d,\"ok\":%d,"
            + "\"errors\":%d,\"non200\":%d,\"timeouts\":%d,\"ioErrors\":%d,\"p50Ms\":%s,\"p90Ms\":%s,\"p99Ms\":%s,"
            + "\"p999Ms\":%s,\"maxMs\":%s,\"achievedPerSec\":%.1f,\"sendLagP99Ms\":%s,\"otherCpuCores\":%s}",
        phase, round, target, rate, seconds, sent, ok, errors(), non200, timeouts, ioErrors, num(p50), num(p90),
        num(p99), num(p999), num(max), achieved(), num(sendLagP99), num(otherCores));
  }

  static String num(double value) {
    return Double.isNaN(value) ? "null" : String.format(java.util.Locale.ROOT, "%.3f", value);
  }
}
