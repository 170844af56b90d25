package dev.flagstaff.bench.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.testkit.kube.AuditLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API server's audit log (JSON lines, level Metadata), read incrementally: each {@link #poll()} parses only
 * what was appended since the last one, so that waiting for a quiet API server does not re-read 100,000 lines.
 * A request is one entry: a watch when it is opened (stage ResponseStarted), anything else when it completes.
 */
final class AuditTail {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final List<AuditLog.Entry> entries = new ArrayList<>();
  /** For each entry, the server's time from receiving the request to the counted stage, in ms. */
  private final List<Double> millis = new ArrayList<>();
  private long offset;
  private byte[] partial = new byte[0];

  AuditTail(Path file) {
    this.file = file;
  }

  /** Reads what was appended; returns how many entries there are so far (a mark for {@link #since}). */
  synchronized int poll() {
    if (!Files.exists(file)) {
      return entries.size();
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      if (length <= offset) {
        return entries.size();
      }
      byte[] chunk = new byte[(int) (length - offset)];
      in.seek(offset);
      in.readFully(chunk);
      offset = length;
      byte[] all = new byte[partial.length + chunk.length];
      System.arraycopy(partial, 0, all, 0, partial.length);
      System.arraycopy(chunk, 0, all, partial.length, chunk.length);
      int start = 0;
      for (int i = 0; i < all.length; i++) {
        if (all[i] == '\n') {
          parse(new String(all, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      partial = java.util.Arrays.copyOfRange(all, start, all.length);
      return entries.size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void parse(String line) throws IOException {
    if (line.isBlank()) {
      return;
    }
    JsonNode event = JSON.readTree(line);
    String stage = event.path("stage").asText();
    String verb = event.path("verb").asText();
    boolean counted = verb.equals("watch") ? stage.equals("ResponseStarted")
        : stage.equals("ResponseComplete");
    if (!counted) {
      return;
    }
    JsonNode ref = event.path("objectRef");
    String resource = ref.isMissingNode() ? ""
        : ref.path("apiGroup").asText("") + "/" + ref.path("resource").asText()
            + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "");
    entries.add(new AuditLog.Entry(event.path("user").path("username").asText(), verb, resource,
        ref.path("namespace").asText(""), ref.path("name").asText(""),
        event.path("responseStatus").path("code").asInt(), event.path("requestURI").asText()));
    millis.add(millisBetween(event.path("requestReceivedTimestamp").asText(), event.path("stageTimestamp").asText()));
  }

  private static double millisBetween(String from, String to) {
    try {
      return java.time.Duration.between(java.time.Instant.parse(from), java.time.Instant.parse(to)).toNanos() / 1e6;
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * The API server's own time for {@code user}'s requests after {@code mark} (received to answered, from the audit
   * log's timestamps), by kind as {@link RequestTally#kind} names it; watches left out (they last).
   */
  synchronized Map<String, Map<String, Object>> latencyByKind(int mark, String user) {
    poll();
    Map<String, List<Double>> byKind = new TreeMap<>();
    for (int i = Math.min(mark, entries.size()); i < entries.size(); i++) {
      AuditLog.Entry e = entries.get(i);
      if (e.user().equals(user) && !e.verb().equals("watch") && !Double.isNaN(millis.get(i))) {
        byKind.computeIfAbsent(RequestTally.kind(e), k -> new ArrayList<>()).add(millis.get(i));
      }
    }
    Map<String, Map<String, Object>> out = new TreeMap<>();
    byKind.forEach((k, v) -> out.put(k, Stats.summary(v)));
    return out;
  }

  /** The entries of {@code user} after {@code mark}. */
  synchronized List<AuditLog.Entry> since(int mark, String user) {
    poll();
    List<AuditLog.Entry> out = new ArrayList<>();
    for (AuditLog.Entry e : entries.subList(Math.min(mark, entries.size()), entries.size())) {
      if (e.user().equals(user)) {
        out.add(e);
      }
    }
    return out;
  }

  /** How many requests {@code user} has made so far. */
  synchronized int count(String user) {
    poll();
    int n = 0;
    for (AuditLog.Entry e : entries) {
      if (e.user().equals(user)) {
        n++;
      }
    }
    return n;
  }

  /** Waits until {@code user} has made no request for {@code quietSeconds} (at most {@code maxSeconds}). */
  void settle(String user, int quietSeconds, int maxSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    int count = count(user);
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(200);
      int now = count(user);
      if (now != count) {
        count = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= quietSeconds * 1_000_000_000L) {
        return;
      }
    }
  }
}
