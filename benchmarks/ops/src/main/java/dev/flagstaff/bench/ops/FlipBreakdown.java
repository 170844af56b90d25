package dev.flagstaff.bench.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one flip's time goes, step by step, from what the processes themselves recorded, in wall-clock
 * microseconds of the one machine: the API server's audit log (each request's {@code requestReceivedTimestamp}
 * and {@code stageTimestamp}, µs), and, in the trace mode, the operator's and the endpoint's own log lines (a
 * logback pattern with µs) and their GC logs. Every step is measured from the driver's write answered.
 *
 * <p>Steps: the API server answered the driver's patch → the operator's informer delivered the watch event
 * (trace) → its reconcile began (trace) → the API server received the operator's ConfigMap patch → answered it →
 * the endpoint swapped its flags (trace) → the driver's poll saw the new decision. The driver's own watch on the
 * ConfigMap stands in for the endpoint's watch delivery.
 */
final class FlipBreakdown {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** {@code 2026-12-01T14:40:01.123456|Logger|message}: the trace modes' logback pattern (UTC). */
  static final String TRACE_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS,UTC}%micros|%logger{0}|%msg%n";
  private static final Pattern TRACE_LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6})\\|([^|]*)\\|(.*)$");
  /** {@code [2026-12-01T14:40:01.123+0000] GC(3) Pause Young (Allocation Failure) 20M->3M(60M) 1.234ms}. */
  private static final Pattern GC_LINE = Pattern.compile("^\\[([^\\]]+)\\].*Pause.* ([0-9.]+)ms$");
  private static final DateTimeFormatter GC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  /** One flip as the driver saw it, wall-clock µs; {@code configMapSeen} 0 when its watch did not see it first. */
  record Flip(int index, long sent, long answered, long configMapSeen, long decision) {}

  /** One request from the audit log, µs. */
  record Request(String user, String verb, String resource, String name, long received, long answered) {}

  /** One line of a process's trace log. */
  record Line(long at, String logger, String message) {}

  /** One GC pause: when it ended and how long it was, µs. */
  record Pause(long end, long micros) {}

  private FlipBreakdown() {
  }

  /** Microseconds since the epoch now, precise to the µs on Linux. */
  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  static List<Request> audit(Path file, String namespace) {
    List<Request> requests = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        JsonNode ref = event.path("objectRef");
        if (!"ResponseComplete".equals(event.path("stage").asText())
            || !namespace.equals(ref.path("namespace").asText())) {
          continue;
        }
        String resource = ref.path("resource").asText() + (ref.hasNonNull("subresource")
            ? "/" + ref.path("subresource").asText() : "");
        requests.add(new Request(event.path("user").path("username").asText(), event.path("verb").asText(), resource,
            ref.path("name").asText(""), micros(Instant.parse(event.path("requestReceivedTimestamp").asText())),
            micros(Instant.parse(event.path("stageTimestamp").asText()))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    requests.sort(java.util.Comparator.comparingLong(Request::received));
    return requests;
  }

  static List<Line> trace(Path file) {
    return matching(file, line -> TRACE_LINE.matcher(line),
        m -> new Line(micros(LocalDateTime.parse(m.group(1)).toInstant(ZoneOffset.UTC)), m.group(2), m.group(3)));
  }

  static List<Pause> gc(Path file) {
    return matching(file, line -> GC_LINE.matcher(line.trim()), m -> new Pause(
        micros(java.time.OffsetDateTime.parse(m.group(1), GC_TIME).toInstant()),
        Math.round(Double.parseDouble(m.group(2)) * 1000)));
  }

  /** What {@code make} makes of each line of {@code file} its matcher matches; none when there is no file. */
  private static <T> List<T> matching(Path file, Function<String, Matcher> matcher, Function<Matcher, T> make) {
    List<T> found = new ArrayList<>();
    if (file == null || !Files.exists(file)) {
      return found;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        Matcher m = matcher.apply(line);
        if (m.matches()) {
          found.add(make.apply(m));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /**
   * The steps of each flip, as CSV rows and as a summary per step.
   *
   * @param operatorTrace the operator's trace log, or null (no trace: those steps are left out)
   */
  static Map<String, Object> of(String mode, List<Flip> flips, List<Request> audit, String operatorUser,
      String endpointUser, List<Line> operatorTrace, List<Line> endpointTrace, List<Pause> operatorGc,
      List<Pause> endpointGc, List<String> rows) {
    Map<String, List<Double>> steps = new LinkedHashMap<>();
    for (String step : List.of("driverWriteAnsweredByServer", "operatorWatchEvent", "reconcileStart",
        "configMapPatchReceived", "configMapPatchAnswered", "driverWatchSawConfigMap", "endpointSwapped",
        "decisionSeen", "operatorPart_patchReceivedAfterServerAnswered", "patchServerTime",
        "endpointPart_decisionAfterPatchAnswered", "endpointWatchToSwap_afterPatchAnswered",
        "operatorEventToReconcile", "reconcileToPatchReceived", "operatorGcPauseInFlip",
        "endpointGcPauseInFlip")) {
      steps.put(step, new ArrayList<>());
    }
    int unmatched = 0;
    for (int i = 0; i < flips.size(); i++) {
      Flip f = flips.get(i);
      long end = i + 1 < flips.size() ? flips.get(i + 1).sent : f.decision + 1_000_000;
      Request write = first(audit, f.sent - 2_000, end, r -> !r.user.equals(operatorUser)
          && !r.user.equals(endpointUser) && r.verb.equals("patch") && r.resource.equals("featureflags"));
      if (write == null) {
        unmatched++;
        continue;
      }
      Request patch = first(audit, write.answered, end, r -> r.user.equals(operatorUser) && r.verb.equals("patch")
          && r.resource.equals("configmaps"));
      long t0 = f.answered;
      Line event = firstLine(operatorTrace, write.answered - 1_000, end, l -> l.logger.equals("ControllerEventSource")
          && l.message.startsWith("Event received"));
      Line dispatch = firstLine(operatorTrace, write.answered - 1_000, end,
          l -> l.logger.equals("ReconciliationDispatcher") && l.message.startsWith("Handling dispatch"));
      Line swap = firstLine(endpointTrace, write.answered - 1_000, end, l -> l.logger.equals("FlagsStore")
          && l.message.startsWith("flags loaded"));
      add(steps, "driverWriteAnsweredByServer", write.answered - t0);
      add(steps, "operatorWatchEvent", event == null ? null : event.at - t0);
      add(steps, "reconcileStart", dispatch == null ? null : dispatch.at - t0);
      add(steps, "configMapPatchReceived", patch == null ? null : patch.received - t0);
      add(steps, "configMapPatchAnswered", patch == null ? null : patch.answered - t0);
      add(steps, "driverWatchSawConfigMap", f.configMapSeen == 0 ? null : f.configMapSeen - t0);
      add(steps, "endpointSwapped", swap == null ? null : swap.at - t0);
      add(steps, "decisionSeen", f.decision - t0);
      add(steps, "operatorPart_patchReceivedAfterServerAnswered", patch == null ? null : patch.received - write.answered);
      add(steps, "patchServerTime", patch == null ? null : patch.answered - patch.received);
      add(steps, "endpointPart_decisionAfterPatchAnswered", patch == null ? null : f.decision - patch.answered);
      add(steps, "endpointWatchToSwap_afterPatchAnswered", patch == null || swap == null ? null
          : swap.at - patch.answered);
      add(steps, "operatorEventToReconcile", event == null || dispatch == null ? null : dispatch.at - event.at);
      add(steps, "reconcileToPatchReceived", dispatch == null || patch == null ? null : patch.received - dispatch.at);
      Long opGc = operatorTrace.isEmpty() ? null : pausedWithin(operatorGc, f.sent, f.decision);
      Long epGc = endpointTrace.isEmpty() ? null : pausedWithin(endpointGc, f.sent, f.decision);
      add(steps, "operatorGcPauseInFlip", opGc);
      add(steps, "endpointGcPauseInFlip", epGc);
      rows.add(String.join(",", mode, Integer.toString(f.index), ms(write.answered - t0),
          event == null ? "" : ms(event.at - t0), dispatch == null ? "" : ms(dispatch.at - t0),
          patch == null ? "" : ms(patch.received - t0), patch == null ? "" : ms(patch.answered - t0),
          f.configMapSeen == 0 ? "" : ms(f.configMapSeen - t0), swap == null ? "" : ms(swap.at - t0),
          ms(f.decision - t0), opGc == null ? "" : ms(opGc), epGc == null ? "" : ms(epGc)));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("what", "ms from the driver's write answered (negative: before it), per step; from the audit log's µs"
        + " timestamps and (trace mode) the processes' µs log lines and GC logs");
    steps.forEach((step, values) -> {
      if (!values.isEmpty()) {
        r.put(step, Stats.summary(values));
      }
    });
    r.put("flipsWithoutTheirWriteInTheAuditLog", unmatched);
    return r;
  }

  static final String CSV_HEADER = "mode,flip,server_answered_ms,operator_event_ms,reconcile_start_ms,"
      + "cm_patch_received_ms,cm_patch_answered_ms,driver_watch_ms,endpoint_swap_ms,decision_ms,operator_gc_ms,"
      + "endpoint_gc_ms";

  private static long pausedWithin(List<Pause> pauses, long from, long to) {
    long total = 0;
    for (Pause p : pauses) {
      long start = p.end - p.micros;
      long overlap = Math.min(to, p.end) - Math.max(from, start);
      if (overlap > 0) {
        total += overlap;
      }
    }
    return total;
  }

  private static Request first(List<Request> audit, long from, long to, Predicate<Request> match) {
    for (Request r : audit) {
      if (r.received >= from && r.received < to && match.test(r)) {
        return r;
      }
    }
    return null;
  }

  private static Line firstLine(List<Line> lines, long from, long to, Predicate<Line> match) {
    for (Line l : lines) {
      if (l.at >= from && l.at < to && match.test(l)) {
        return l;
      }
    }
    return null;
  }

  private static void add(Map<String, List<Double>> steps, String step, Long micros) {
    if (micros != null) {
      steps.get(step).add(micros / 1000.0);
    }
  }

  private static String ms(long micros) {
    return String.format("%.3f", micros / 1000.0);
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  /** A logback configuration: the JSON log as usual is replaced by µs-stamped lines, with the steps' loggers on. */
  static Path traceLogback(Path dir, boolean operator) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(operator ? "trace-logback-operator.xml" : "trace-logback-endpoint.xml");
    String loggers = operator
        ? "<logger name=\"io.javaoperatorsdk.operator.processing.event.source.controller.ControllerEventSource\""
            + " level=\"DEBUG\"/>\n<logger name=\"io.javaoperatorsdk.operator.processing.event.ReconciliationDispatcher\""
            + " level=\"DEBUG\"/>\n"
        : "<logger name=\"dev.flagstaff.endpoint.flags.FlagsStore\" level=\"INFO\"/>\n";
    Files.writeString(file, "<configuration>\n<appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
        + "<encoder><pattern>" + TRACE_PATTERN + "</pattern></encoder>\n</appender>\n"
        + "<logger name=\"dev.flagstaff\" level=\"WARN\"/>\n<logger name=\"io.javaoperatorsdk\" level=\"WARN\"/>\n"
        + "<logger name=\"io.fabric8\" level=\"WARN\"/>\n" + loggers
        + "<root level=\"WARN\"><appender-ref ref=\"OUT\"/></root>\n</configuration>\n");
    return file;
  }
}
