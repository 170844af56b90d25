package dev.flagstaff.bench.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording's CPU samples ({@code jdk.ExecutionSample}) summarised: the top frames by self time, the first
 * Flagstaff frame ({@code dev.flagstaff.}) of each sample, and the Flagstaff methods that appear anywhere on the
 * stack (inclusive), and any method on the stack (inclusive), each as a share of all samples. {@code java -cp ops.jar dev.flagstaff.bench.ops.JfrTop f.jfr}
 */
final class JfrTop {
  private JfrTop() {
  }

  public static void main(String[] args) throws IOException {
    System.out.println(Machine.pretty(summary(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 15)));
  }

  static Map<String, Object> summary(Path file, int top) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> firstOurs = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> anyInclusive = new HashMap<>();
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
        continue;
      }
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      samples++;
      self.merge(name(frames.get(0)), 1, Integer::sum);
      String ours = "(no Flagstaff frame)";
      java.util.Set<String> seen = new java.util.HashSet<>();
      java.util.Set<String> seenAny = new java.util.HashSet<>();
      for (RecordedFrame frame : frames) {
        String name = name(frame);
        if (seenAny.add(name)) {
          anyInclusive.merge(name, 1, Integer::sum);
        }
        if (name.startsWith("dev.flagstaff.")) {
          if (ours.startsWith("(")) {
            ours = name;
          }
          if (seen.add(name)) {
            inclusive.merge(name, 1, Integer::sum);
          }
        }
      }
      firstOurs.merge(ours, 1, Integer::sum);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("file", file.getFileName().toString());
    out.put("executionSamples", samples);
    out.put("topSelfFrames", top(self, samples, top));
    out.put("topFirstFlagstaffFrame", top(firstOurs, samples, top));
    out.put("topFlagstaffInclusive", top(inclusive, samples, top));
    out.put("topInclusive", top(anyInclusive, samples, 2 * top));
    return out;
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static List<String> top(Map<String, Integer> counts, int samples, int n) {
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Integer> e : sorted.subList(0, Math.min(n, sorted.size()))) {
      lines.add(String.format("%5.1f%%  %s", 100.0 * e.getValue() / Math.max(1, samples), e.getKey()));
    }
    return lines;
  }
}
