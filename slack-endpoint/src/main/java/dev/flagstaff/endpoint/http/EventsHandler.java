package dev.flagstaff.endpoint.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.endpoint.EndpointMetrics;
import dev.flagstaff.endpoint.events.AppHomeOpened;
import dev.flagstaff.endpoint.events.EventDeduplicator;
import dev.flagstaff.endpoint.events.Worker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /api/v4/integrations/slack/events}: read (asynchronously, within a deadline) → verify → parse →
 * deduplicate → enqueue → acknowledge. Nothing reads the body as an event before its signature is checked; nothing
 * slow happens before the answer, and no thread waits on a slow client. Every refusal is a 4xx with a small JSON
 * body.
 */
public final class EventsHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(EventsHandler.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_EVENT_ID = 255;
  private static final String JSON_TYPE = "application/json";
  private static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

  private final String path;
  private final int maxBodyBytes;
  private final Duration requestDeadline;
  private final SignatureCheck signatures;
  private final EventDeduplicator deduplicator;
  private final Worker worker;
  private final Consumer<AppHomeOpened> appHome;
  private final EndpointMetrics metrics;

  /**
   * @param requestDeadline how long a request may take to arrive whole, from its first byte (Slack sends a small
   *     body at once); a slower one gets 408 and its connection is closed
   */
  public EventsHandler(String path, int maxBodyBytes, Duration requestDeadline, SignatureCheck signatures,
      EventDeduplicator deduplicator, Worker worker, Consumer<AppHomeOpened> appHome, EndpointMetrics metrics) {
    this.path = path;
    this.maxBodyBytes = maxBodyBytes;
    this.requestDeadline = requestDeadline;
    this.signatures = signatures;
    this.deduplicator = deduplicator;
    this.worker = worker;
    this.appHome = appHome;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      serve(request, response, callback);
    } catch (RuntimeException e) {
      failed(e, response, callback);
    }
    return true;
  }

  private void failed(RuntimeException e, Response response, Callback callback) {
    LOG.error("request failed: {}", e.getClass().getName());
    metrics.request("error");
    answer(response, callback, 500, "{\"ok\":false,\"error\":\"internal\"}");
  }

  private void serve(Request request, Response response, Callback callback) {
    if (!path.equals(Request.getPathInContext(request))) {
      refuse(response, callback, 404, "not_found");
      return;
    }
    if (!"POST".equals(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      refuse(response, callback, 405, "method_not_allowed");
      return;
    }
    if (request.getLength() > maxBodyBytes) {
      closing(response, callback, 413, "too_large");
      return;
    }
    // Returns at once: the body is read as it arrives, on whichever thread Jetty has when bytes are there.
    BodyReader.read(request, maxBodyBytes, requestDeadline, new BodyReader.Outcome() {
      @Override
      public void body(byte[] body) {
        try {
          verified(request, body, response, callback);
        } catch (RuntimeException e) {
          failed(e, response, callback);
        }
      }

      @Override
      public void tooLarge() {
        closing(response, callback, 413, "too_large");
      }

      @Override
      public void timedOut() {
        closing(response, callback, 408, "request_timeout");
      }

      @Override
      public void unreadable() {
        closing(response, callback, 400, "unreadable_body");
      }
    });
  }

  private void verified(Request request, byte[] body, Response response, Callback callback) {
    SignatureCheck.Result verdict = signatures.check(
        request.getHeaders().get("X-Slack-Request-Timestamp"), request.getHeaders().get("X-Slack-Signature"), body);
    if (verdict != SignatureCheck.Result.OK) {
      LOG.debug("request refused: {}", verdict.code());
      refuse(response, callback, 401, verdict.code());
      return;
    }
    if (!Utf8.isValid(body)) {
      refuse(response, callback, 400, "invalid_utf8");
      return;
    }

    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType == null || !contentType.regionMatches(true, 0, JSON_TYPE, 0, JSON_TYPE.length())) {
      refuse(response, callback, 400, "unsupported_media_type");
      return;
    }
    JsonNode payload;
    try {
      payload = MAPPER.readTree(body);
    } catch (IOException e) {
      payload = null;
    }
    if (payload == null || !payload.isObject()) {
      refuse(response, callback, 400, "malformed");
      return;
    }
    String type = text(payload, "type");
    if ("url_verification".equals(type)) {
      urlVerification(payload, response, callback);
    } else if ("event_callback".equals(type)) {
      eventCallback(request, payload, response, callback);
    } else {
      // app_rate_limited and anything newer: acknowledged, or Slack counts a failed delivery against the app.
      metrics.request("ok");
      metrics.event(type, "unknown_type");
      LOG.info("acknowledged a payload of unhandled type {}", shown(type));
      answer(response, callback, 200, "{\"ok\":true}");
    }
  }

  /** An id from a request as the worker may hold it while queued: at most {@value #MAX_EVENT_ID} characters. */
  private static String shortOrNull(String value) {
    return value == null || value.length() > MAX_EVENT_ID ? null : value;
  }

  /** A string from a request as it may appear in a log line: at most 64 characters. */
  private static String shown(String value) {
    return value == null || value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }

  private void urlVerification(JsonNode payload, Response response, Callback callback) {
    JsonNode challenge = payload.get("challenge");
    if (challenge == null || !challenge.isTextual()) {
      refuse(response, callback, 400, "malformed");
      return;
    }
    metrics.request("ok");
    metrics.event("url_verification", "answered");
    answer(response, callback, 200, MAPPER.createObjectNode().put("challenge", challenge.asText()).toString());
  }

  private void eventCallback(Request request, JsonNode payload, Response response, Callback callback) {
    String eventId = text(payload, "event_id");
    JsonNode event = payload.get("event");
    String eventType = event == null ? null : text(event, "type");
    if (eventId == null || eventId.isEmpty() || eventId.length() > MAX_EVENT_ID || eventType == null) {
      refuse(response, callback, 400, "malformed");
      return;
    }
    try (var ignored = MDC.putCloseable("event_id", eventId)) {
      metrics.request("ok");
      String retryNum = request.getHeaders().get("X-Slack-Retry-Num");
      if (retryNum != null) {
        String reason = request.getHeaders().get("X-Slack-Retry-Reason");
        metrics.retry(reason == null ? "unknown" : reason);
      }
      if (!deduplicator.firstSeen(eventId)) {
        metrics.duplicate();
        metrics.event(eventType, "duplicate");
        LOG.info("duplicate delivery of {} (retry {}) dropped", shown(eventType), shown(retryNum));
      } else if ("app_home_opened".equals(eventType)) {
        // Only short ids travel to the queue: Slack's are a few dozen characters; a longer one is not kept.
        AppHomeOpened opened = new AppHomeOpened(eventId, shortOrNull(teamId(payload, event)),
            shortOrNull(text(event, "user")), shortOrNull(text(event, "tab")),
            event.has("view") ? shortOrNull(text(event.get("view"), "hash")) : null);
        if (worker.submit(() -> appHome.accept(opened))) {
          metrics.event(eventType, "queued");
        } else {
          metrics.event(eventType, "dropped_queue_full");
          LOG.warn("worker queue full: {} acknowledged and dropped", eventType);
        }
      } else {
        metrics.event(eventType, "ignored");
      }
      answer(response, callback, 200, OK);
    }
  }

  private static String teamId(JsonNode payload, JsonNode event) {
    String team = text(payload, "team_id");
    if (team == null && event.has("view")) {
      team = text(event.get("view"), "team_id");
    }
    return team;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  /** Answers now and closes the connection rather than read the rest of the body. */
  private void closing(Response response, Callback callback, int status, String error) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    refuse(response, callback, status, error);
  }

  private void refuse(Response response, Callback callback, int status, String error) {
    metrics.request(error);
    answer(response, callback, status, "{\"ok\":false,\"error\":\"" + error + "\"}");
  }

  private static void answer(Response response, Callback callback, int status, String json) {
    answer(response, callback, status, json.getBytes(StandardCharsets.UTF_8));
  }

  /** Jetty only reads the bytes, so a constant body is shared by every answer. */
  private static void answer(Response response, Callback callback, int status, byte[] json) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
    response.write(true, ByteBuffer.wrap(json), callback);
  }
}
