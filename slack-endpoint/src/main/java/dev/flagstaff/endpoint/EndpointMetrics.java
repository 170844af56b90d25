package dev.flagstaff.endpoint;

import dev.flagstaff.flags.Decision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Every metric the endpoint exports, named the Prometheus way ({@code flagstaff_slack_requests_total}, ...).
 * Tags whose values come from outside (event types, retry reasons, Slack error codes) are reduced to a safe
 * alphabet and length, so a caller cannot blow up the number of series. Secrets never become tags.
 */
public final class EndpointMetrics {
  private static final Pattern TAG_SAFE = Pattern.compile("[a-z0-9_.]{1,64}");
  /** Counters resolved once and reused on the request path; past this many, they are looked up each time. */
  private static final int MAX_CACHED = 256;

  private final MeterRegistry registry;
  private final Counter duplicates;
  private final Counter flagsInvalid;
  private final Timer workerLatency;
  private final Map<Decision, Counter> appHomeDecisions = new EnumMap<>(Decision.class);
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> events = new ConcurrentHashMap<>();

  public EndpointMetrics(MeterRegistry registry, String appHomeFlag) {
    this.registry = registry;
    duplicates = Counter.builder("flagstaff.slack.duplicates")
        .description("Events dropped because their event_id was already processed").register(registry);
    flagsInvalid = Counter.builder("flagstaff.flags.invalid")
        .description("Flag values that could not be decoded; the previous good value was kept").register(registry);
    workerLatency = Timer.builder("flagstaff.worker.latency")
        .description("Time the worker spent on one event, first Web API attempt included")
        .publishPercentileHistogram().register(registry);
    for (Decision decision : Decision.values()) {
      appHomeDecisions.put(decision, Counter.builder("flagstaff.flag.decisions")
          .description("Flag evaluations made for requests")
          .tag("key", appHomeFlag)
          .tag("result", decision.enabled() ? "on" : "off")
          .tag("reason", decision.reason())
          .register(registry));
    }
    for (String outcome : new String[] {"ok", "bad_signature", "stale", "future", "missing_header", "bad_timestamp",
        "bad_version", "malformed", "unsupported_media_type", "too_large", "method_not_allowed", "not_found"}) {
      request(outcome, 0);
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void request(String outcome) {
    request(outcome, 1);
  }

  private void request(String outcome, int amount) {
    Counter counter = requests.get(outcome);
    if (counter == null) {
      counter = Counter.builder("flagstaff.slack.requests")
          .description("Requests to the Events API endpoint by outcome").tag("outcome", outcome).register(registry);
      cache(requests, outcome, counter);
    }
    counter.increment(amount);
  }

  /** {@code type} comes from the (signed) request: the cache is keyed by it as received, and bounded. */
  public void event(String type, String outcome) {
    Map<String, Counter> byOutcome = events.get(type);
    Counter counter = byOutcome == null ? null : byOutcome.get(outcome);
    if (counter == null) {
      counter = Counter.builder("flagstaff.slack.events").description("Events received by type and outcome")
          .tag("type", safe(type)).tag("outcome", outcome).register(registry);
      if (byOutcome == null && events.size() < MAX_CACHED) {
        byOutcome = events.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
      }
      if (byOutcome != null) {
        cache(byOutcome, outcome, counter);
      }
    }
    counter.increment();
  }

  private static void cache(Map<String, Counter> cache, String key, Counter counter) {
    if (cache.size() < MAX_CACHED) {
      cache.putIfAbsent(key, counter);
    }
  }

  public void retry(String reason) {
    Counter.builder("flagstaff.slack.retries").description("Deliveries Slack marked as retries, by reason")
        .tag("reason", safe(reason)).register(registry).increment();
  }

  public void duplicate() {
    duplicates.increment();
  }

  public void appHome(String outcome) {
    Counter.builder("flagstaff.app.home").description("app_home_opened events handled by the worker, by outcome")
        .tag("outcome", outcome).register(registry).increment();
  }

  /** Allocation-free: the counters for the App Home flag are resolved at start-up. */
  public void decision(Decision decision) {
    appHomeDecisions.get(decision).increment();
  }

  public void publish(String result, String error) {
    Counter.builder("flagstaff.slack.views.publish").description("views.publish calls by result and Slack error code")
        .tag("result", result).tag("error", error == null ? "none" : safe(error)).register(registry).increment();
  }

  public void flagsInvalid() {
    flagsInvalid.increment();
  }

  public Timer workerLatency() {
    return workerLatency;
  }

  static String safe(String value) {
    if (value == null || value.isEmpty()) {
      return "none";
    }
    return TAG_SAFE.matcher(value).matches() ? value : "other";
  }
}
