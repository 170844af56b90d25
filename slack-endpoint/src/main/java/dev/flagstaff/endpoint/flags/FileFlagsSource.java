package dev.flagstaff.endpoint.flags;

import dev.flagstaff.endpoint.http.Utf8;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
  /** Far above a ConfigMap's 1 MiB: a file this large is not a flags file. */
  private static final long MAX_FILE_BYTES = 8L * 1024 * 1024;
  /** Reads only the top level; each value is then held to the normal limits by {@code FlagCodec}. */
  private static final JsonFactory LENIENT = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
      .maxNestingDepth(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE)
      .maxStringLength(Integer.MAX_VALUE).build()).build();

  private final Path path;
  private final FlagsStore store;
  private final Duration interval;
  private final ScheduledExecutorService poller;
  private FileContent last;
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
      FileContent read = Files.isDirectory(path) ? readDirectory() : readJsonFile();
      if (gone || !read.equals(last)) {
        gone = false;
        last = read;
        store.update(read.data(), read.unreadable(), version(read));
      }
    } catch (IOException | IllegalArgumentException e) {
      store.unreadable("flags file " + path + " could not be read: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("reading flags file {} failed: {}", path, e.toString());
    }
  }

  /** What one poll read: key → value as text, and key → why its bytes could not be read as text. */
  record FileContent(Map<String, String> data, Map<String, String> unreadable) {}

  private FileContent readDirectory() throws IOException {
    Map<String, String> data = new HashMap<>();
    Map<String, String> unreadable = new HashMap<>();
    try (Stream<Path> entries = Files.list(path)) {
      for (Iterator<Path> it = entries.iterator(); it.hasNext(); ) {
        Path entry = it.next();
        String key = entry.getFileName().toString();
        if (key.startsWith(".") || !Files.isRegularFile(entry)) {
          continue;
        }
        if (Files.size(entry) > MAX_FILE_BYTES) {
          unreadable.put(key, "larger than " + MAX_FILE_BYTES + " bytes");
          continue;
        }
        String text = Utf8.decodeOrNull(Files.readAllBytes(entry));
        if (text == null) {
          unreadable.put(key, "not UTF-8 text");
        } else {
          data.put(key, text.trim());
        }
      }
    }
    return new FileContent(data, unreadable);
  }

  /**
   * One JSON object. Each top-level value is cut out as it was written and decoded on its own later, so a value
   * beyond the JSON reader's limits (depth, number length) or holding bytes that are not UTF-8 is refused for its
   * key only; the file as a whole is refused only when its structure is broken.
   */
  private FileContent readJsonFile() throws IOException {
    if (Files.size(path) > MAX_FILE_BYTES) {
      throw new IllegalArgumentException("larger than " + MAX_FILE_BYTES + " bytes");
    }
    byte[] bytes = Files.readAllBytes(path);
    boolean malformed = !Utf8.isValid(bytes);
    String text = new String(bytes, StandardCharsets.UTF_8);
    Map<String, String> data = new HashMap<>();
    Map<String, String> unreadable = new HashMap<>();
    try (JsonParser parser = LENIENT.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("expected a JSON object {\"flag_key\": {\"enabled\": true}, ...}");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken token = parser.nextToken();
        String value;
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
          int start = (int) parser.currentTokenLocation().getCharOffset();
          parser.skipChildren();
          value = text.substring(start, (int) parser.currentLocation().getCharOffset());
        } else {
          value = parser.getText();
        }
        if (malformed && value.indexOf('\uFFFD') >= 0) {
          unreadable.put(key, "not UTF-8 text");
        } else {
          data.put(key, value);
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON");
    }
    return new FileContent(data, unreadable);
  }

  /** The content's checksum: equal content, equal version. */
  private static String version(FileContent read) {
    CRC32 crc = new CRC32();
    crc.update(read.unreadable().keySet().stream().sorted().toList().toString().getBytes(StandardCharsets.UTF_8));
    read.data().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
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
