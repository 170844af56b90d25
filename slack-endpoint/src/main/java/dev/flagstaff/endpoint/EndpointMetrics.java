package dev.flagstaff.endpoint;

import dev.flagstaff.flags.Decision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * Every metric the endpoint exports, named the Prometheus way ({@code flagstaff_slack_requests_total}, ...).
 * Tags whose values come from outside (event types, retry reasons, Slack error codes) take their value from a fixed
 * set and anything else counts as {@code other}: neither the number of series nor the memory held grows with what
 * callers send, and no string from a request is kept once it has been counted. Secrets never become tags.
 */
public final class EndpointMetrics {
  /** Event types counted under their own name (Slack's Events API names); any other type counts as "other". */
  static final Set<String> EVENT_TYPES = Set.of("url_verification", "event_callback", "app_rate_limited",
      "app_home_opened", "app_mention", "app_uninstalled", "app_requested", "message", "member_joined_channel",
      "reaction_added", "reaction_removed", "team_join", "tokens_revoked", "user_change", "none");
  /** Slack's X-Slack-Retry-Reason values. */
  static final Set<String> RETRY_REASONS = Set.of("http_timeout", "too_many_redirects", "ssl_error",
      "connection_failed", "http_error", "unknown_error", "unknown");
  /** Error codes views.publish is known to answer, and ours for transport failures; anything else is "other". */
  static final Set<String> PUBLISH_ERRORS = Set.of("none", "no_token", "ratelimited", "client_error",
      "connection_refused", "timeout", "io_error", "invalid_arguments", "invalid_auth", "not_authed",
      "account_inactive", "token_revoked", "token_expired", "no_permission", "missing_scope", "not_allowed_token_type",
      "invalid_blocks", "invalid_blocks_format", "hash_conflict", "not_found", "user_not_found", "view_too_large",
      "duplicate_external_id", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
      "team_added_to_org");
  private static final String OTHER = "other";
  /** Results of slash commands: a change written, an answer to get/list, or why not. */
  public static final Set<String> CHATOPS_RESULTS = Set.of("applied", "answered", "refused", "unauthorized", "failed");

  private final MeterRegistry registry;
  private final Counter duplicates;
  private final Counter flagsInvalid;
  private final Timer workerLatency;
  private final Map<Decision, Counter> appHomeDecisions = new EnumMap<>(Decision.class);
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> events = new ConcurrentHashMap<>();
  private final Map<String, Counter> chatops = new ConcurrentHashMap<>();

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
        "bad_version", "malformed", "invalid_utf8", "unsupported_media_type", "too_large", "request_timeout",
        "unreadable_body", "method_not_allowed", "not_found"}) {
      request(outcome, 0);
    }
    for (String result : CHATOPS_RESULTS) {
      chatops.put(result, Counter.builder("flagstaff.chatops.commands")
          .description("Slash commands by result").tag("result", result).register(registry));
    }
  }

  /** {@code result} is one of {@link #CHATOPS_RESULTS}. */
  public void chatops(String result) {
    Counter counter = chatops.get(result);
    if (counter == null) {
      throw new IllegalArgumentException("not a chatops result: " + result);
    }
    counter.increment();
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void request(String outcome) {
    request(outcome, 1);
  }

  /** {@code outcome} is one of ours (a {@code SignatureCheck.Result} code or a refusal of the handler). */
  private void request(String outcome, int amount) {
    requests.computeIfAbsent(outcome, o -> Counter.builder("flagstaff.slack.requests")
        .description("Requests to the Events API endpoint by outcome").tag("outcome", o).register(registry))
        .increment(amount);
  }

  /**
   * {@code type} comes from the (signed) request: it is only compared with {@link #EVENT_TYPES}, and the counters
   * are cached under the fixed label, never under the string received. {@code outcome} is one of ours.
   */
  public void event(String type, String outcome) {
    String label = oneOf(EVENT_TYPES, type == null ? "none" : type);
    events.computeIfAbsent(label, t -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, o -> Counter.builder("flagstaff.slack.events")
            .description("Events received by type and outcome").tag("type", label).tag("outcome", o)
            .register(registry))
        .increment();
  }

  public void retry(String reason) {
    Counter.builder("flagstaff.slack.retries").description("Deliveries Slack marked as retries, by reason")
        .tag("reason", oneOf(RETRY_REASONS, reason)).register(registry).increment();
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
        .tag("result", result).tag("error", publishError(error)).register(registry).increment();
  }

  public void flagsInvalid() {
    flagsInvalid.increment();
  }

  public Timer workerLatency() {
    return workerLatency;
  }

  /** A Slack error code as a label: known codes and HTTP statuses ({@code http_503}) as they are, else "other". */
  static String publishError(String error) {
    if (error == null || error.isEmpty()) {
      return "none";
    }
    if (error.length() == 8 && error.startsWith("http_") && error.chars().skip(5).allMatch(Character::isDigit)) {
      return error;
    }
    return oneOf(PUBLISH_ERRORS, error);
  }

  private static String oneOf(Set<String> known, String value) {
    return value != null && known.contains(value) ? value : OTHER;
  }
}
