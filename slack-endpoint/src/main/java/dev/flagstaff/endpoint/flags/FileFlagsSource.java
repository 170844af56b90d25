package dev.flagstaff.endpoint.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the flags from a mounted file, polled every {@code interval} (a ConfigMap volume swaps its {@code ..data}
 * symlink atomically, which file watchers see unreliably; polling a few small files is cheap and certain). Two
 * forms: a directory (the ConfigMap mounted as a volume: one file per key, hidden entries ignored), or a single
 * JSON object file {@code {"key": {"enabled": true}, ...}} whose values may also be JSON strings.
 */
public final class FileFlagsSource implements FlagsSource {
  private static final Logger LOG = LoggerFactory.getLogger(FileFlagsSource.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path path;
  private final FlagsStore store;
  private final Duration interval;
  private final ScheduledExecutorService poller;
  private Map<String, String> last;
  private boolean gone;

  public FileFlagsSource(Path path, FlagsStore store, Duration interval) {
    this.path = path;
    this.store = store;
    this.interval = interval;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flags-file");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void start() {
    poll();
    poller.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  void poll() {
    try {
      if (!Files.exists(path)) {
        if (!gone) {
          gone = true;
          last = null;
          store.missing("flags file " + path + " not found");
        }
        return;
      }
      Map<String, String> data = Files.isDirectory(path) ? readDirectory() : readJsonFile();
      if (gone || !data.equals(last)) {
        gone = false;
        last = data;
        store.update(data, version(data));
      }
    } catch (IOException | IllegalArgumentException e) {
      store.unreadable("flags file " + path + " could not be read: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("reading flags file {} failed: {}", path, e.toString());
    }
  }

  private Map<String, String> readDirectory() throws IOException {
    Map<String, String> data = new HashMap<>();
    try (Stream<Path> entries = Files.list(path)) {
      for (Iterator<Path> it = entries.iterator(); it.hasNext(); ) {
        Path entry = it.next();
        String key = entry.getFileName().toString();
        if (!key.startsWith(".") && Files.isRegularFile(entry)) {
          data.put(key, Files.readString(entry, StandardCharsets.UTF_8).trim());
        }
      }
    }
    return data;
  }

  private Map<String, String> readJsonFile() throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(path, StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected a JSON object {\"flag_key\": {\"enabled\": true}, ...}");
    }
    Map<String, String> data = new HashMap<>();
    root.fields().forEachRemaining(f -> data.put(f.getKey(),
        f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
    return data;
  }

  /** The content's checksum: equal content, equal version. */
  private static String version(Map<String, String> data) {
    CRC32 crc = new CRC32();
    data.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      crc.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      crc.update(0);
      crc.update(e.getValue().getBytes(StandardCharsets.UTF_8));
      crc.update(0);
    });
    return "file-" + Long.toHexString(crc.getValue());
  }

  @Override
  public String describe() {
    return "file " + path;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
