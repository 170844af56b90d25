package dev.flagstaff.bench.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Nearest-rank percentiles of what was measured; nothing interpolated. */
final class Stats {
  private Stats() {
  }

  static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** n, min, p50, p90, p99, max (and mean) of {@code values}, rounded to 0.01. */
  static Map<String, Object> summary(List<Double> values) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("n", values.size());
    if (values.isEmpty()) {
      return s;
    }
    s.put("min", round(Collections.min(values)));
    s.put("p50", round(percentile(values, 50)));
    s.put("p90", round(percentile(values, 90)));
    s.put("p99", round(percentile(values, 99)));
    s.put("max", round(Collections.max(values)));
    s.put("mean", round(values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
    return s;
  }

  /** median [min – max], for a few repeats. */
  static Map<String, Object> spread(List<Double> values) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("n", values.size());
    if (!values.isEmpty()) {
      s.put("median", round(median(values)));
      s.put("min", round(Collections.min(values)));
      s.put("max", round(Collections.max(values)));
      s.put("values", values.stream().map(Stats::round).toList());
    }
    return s;
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static double millisSince(long startNanos, long endNanos) {
    return (endNanos - startNanos) / 1e6;
  }
}
