package dev.flagstaff.endpoint.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.endpoint.EndpointMetrics;
import dev.flagstaff.flags.Decision;
import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.flags.FlagEvaluator;
import dev.flagstaff.flags.FlagState;
import io.micrometer.core.instrument.Gauge;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Holds the current {@link FlagsSnapshot} in a volatile reference. Readers ({@link #evaluate}) take no lock and
 * allocate nothing; the one writer at a time (the informer or the file poller) builds a new snapshot and swaps it.
 * A value that cannot be decoded keeps the key's previous good state; a source that goes away keeps everything.
 */
public final class FlagsStore {
  private static final Logger LOG = LoggerFactory.getLogger(FlagsStore.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_SHOWN = 300;

  private final EndpointMetrics metrics;
  private final Clock clock;
  private volatile FlagsSnapshot current = FlagsSnapshot.NOT_LOADED;
  private final List<Consumer<FlagsSnapshot>> listeners = new CopyOnWriteArrayList<>();

  public FlagsStore(EndpointMetrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
    var registry = metrics.registry();
    Gauge.builder("flagstaff.flags.version", this, s -> numeric(s.current.version()))
        .description("resourceVersion of the flags ConfigMap last read (NaN when not numeric)").register(registry);
    Gauge.builder("flagstaff.flags.age", this, s -> s.current.readAt() == null ? Double.NaN
            : Duration.between(s.current.readAt(), s.clock.instant()).toMillis() / 1000.0)
        .baseUnit("seconds").description("Time since the flags were last read").register(registry);
    Gauge.builder("flagstaff.flags.stale", this, s -> s.current.stale() ? 1 : 0)
        .description("1 while the flags source is gone and the last good flags are served").register(registry);
    Gauge.builder("flagstaff.flags.loaded", this, s -> s.current.flags().size())
        .description("Flags currently known").register(registry);
    Gauge.builder("flagstaff.flags.problems", this, s -> s.current.problems().size())
        .description("Flag values currently refused (the previous good value is served)").register(registry);
  }

  public FlagsSnapshot snapshot() {
    return current;
  }

  /**
   * Calls {@code listener} with every snapshot right after it is swapped in, on the writer's thread: it must be quick
   * and must not throw (the propagation report hands the work to its own thread).
   */
  public void onSwap(Consumer<FlagsSnapshot> listener) {
    listeners.add(listener);
  }

  public boolean ready() {
    return current.loaded();
  }

  /** Lock-free and allocation-free. */
  public Decision evaluate(String key, String actor) {
    return FlagEvaluator.evaluate(key, current.flags().get(key), actor);
  }

  /** A new version of the source: every key decoded, a bad value keeps the key's previous good state. */
  public void update(Map<String, String> data, String version) {
    update(data, Map.of(), version);
  }

  /**
   * As {@link #update(Map, String)}, with keys whose value could not even be read as text ({@code unreadable}: key
   * → why, e.g. bytes that are not UTF-8): those keep their previous good state like any other refused value. One
   * key's failure, of whatever kind, never stops the others from updating.
   */
  public synchronized void update(Map<String, String> data, Map<String, String> unreadable, String version) {
    FlagsSnapshot previous = current;
    Map<String, FlagState> flags = new HashMap<>();
    Map<String, String> owners = new HashMap<>();
    Map<String, String> problems = new HashMap<>();
    for (Map.Entry<String, String> entry : data.entrySet()) {
      String key = entry.getKey();
      String problem;
      try {
        flags.put(key, FlagCodec.decode(entry.getValue()));
        String owner = owners(entry.getValue());
        if (owner != null) {
          owners.put(key, owner);
        }
        continue;
      } catch (IllegalArgumentException e) {
        problem = "invalid value: " + e.getMessage();
      } catch (RuntimeException | StackOverflowError e) {
        problem = "invalid value: could not be decoded (" + e.getClass().getSimpleName() + ")";
      }
      refuse(key, problem, previous, flags, owners, problems);
    }
    unreadable.forEach((key, why) -> {
      if (!data.containsKey(key)) {
        refuse(key, "invalid value: " + why, previous, flags, owners, problems);
      }
    });
    swap(new FlagsSnapshot(Map.copyOf(flags), Map.copyOf(owners), Map.copyOf(problems), version,
        clock.instant(), true, false, problems.isEmpty() ? null : problems.size() + " invalid value(s) refused"));
  }

  private void refuse(String key, String why, FlagsSnapshot previous, Map<String, FlagState> flags,
      Map<String, String> owners, Map<String, String> problems) {
    String problem = bounded(why);
    problems.put(key, problem);
    FlagState kept = previous.flags().get(key);
    if (kept != null) {
      flags.put(key, kept);
      if (previous.owners().containsKey(key)) {
        owners.put(key, previous.owners().get(key));
      }
    }
    if (!problem.equals(previous.problems().get(key))) {
      metrics.flagsInvalid();
      try (var ignored = MDC.putCloseable("flag", bounded(key))) {
        LOG.warn("flag value refused, {}: {}", kept == null ? "the flag stays unknown (off)"
            : "keeping the previous value " + FlagCodec.encode(kept), problem);
      }
    }
  }

  /** A problem or key as shown in /flags and the log: at most {@value #MAX_SHOWN} characters. */
  static String bounded(String text) {
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
  }

  /** The source is not there: empty-but-loaded at start (unknown flags are off), else the last good flags, stale. */
  public synchronized void missing(String why) {
    FlagsSnapshot previous = current;
    if (!previous.loaded()) {
      LOG.warn("{}: no flags, every flag is off until it appears", why);
      swap(new FlagsSnapshot(Map.of(), Map.of(), Map.of(), null, clock.instant(), true, false,
          why + "; every flag is off until it appears"));
      return;
    }
    if (!previous.stale()) {
      LOG.warn("{}: keeping the last good flags (version {})", why, previous.version());
    }
    swap(new FlagsSnapshot(previous.flags(), previous.owners(), previous.problems(), previous.version(),
        previous.readAt(), true, true, why + "; serving the last good flags"));
  }

  /** The source as a whole could not be read (e.g. a flags file that is not JSON): keep the last good flags. */
  public synchronized void unreadable(String reason) {
    FlagsSnapshot previous = current;
    String why = bounded(reason);
    if (!Objects.equals(why, previous.problems().get(""))) {
      metrics.flagsInvalid();
      LOG.warn("flags source refused, keeping the last good flags: {}", why);
    }
    Map<String, String> problems = new HashMap<>(previous.problems());
    problems.put("", why);
    swap(new FlagsSnapshot(previous.flags(), previous.owners(), Map.copyOf(problems), previous.version(),
        previous.readAt(), true, previous.stale(), why + "; serving the last good flags"));
  }

  private void swap(FlagsSnapshot next) {
    FlagsSnapshot previous = current;
    current = next;
    for (Consumer<FlagsSnapshot> listener : listeners) {
      listener.accept(next);
    }
    if (!Objects.equals(previous.version(), next.version()) || previous.stale() != next.stale()) {
      LOG.info("flags {}: version {}, {} flag(s)", next.stale() ? "stale" : "loaded", next.version(),
          next.flags().size());
    }
  }

  /** Owners when the value carries them ({@code "owners":{"team":...,"slackChannel":...}}), else {@code null}. */
  private static String owners(String value) {
    if (!value.contains("\"owners\"")) {
      return null;
    }
    try {
      JsonNode owners = MAPPER.readTree(value).get("owners");
      if (owners == null || !owners.isObject()) {
        return null;
      }
      StringBuilder words = new StringBuilder();
      for (String field : new String[] {"team", "slackChannel", "contact"}) {
        JsonNode v = owners.get(field);
        if (v != null && v.isTextual() && !v.asText().isBlank()) {
          words.append(words.length() == 0 ? "" : ", ").append(v.asText());
        }
      }
      return words.length() == 0 ? null : words.toString();
    } catch (Exception e) {
      return null;
    }
  }

  private static double numeric(String version) {
    if (version == null) {
      return Double.NaN;
    }
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
