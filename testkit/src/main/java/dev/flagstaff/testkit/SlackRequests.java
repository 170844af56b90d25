package dev.flagstaff.testkit;

import com.slack.api.app_backend.SlackSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slack Events API requests as Slack sends them, signed with the real v0 algorithm (the Slack SDK's
 * {@link SlackSignature.Generator}), and sent over {@code java.net.http}.
 *
 * <pre>{@code
 * SlackRequests slack = new SlackRequests("signing-secret", URI.create("http://127.0.0.1:8080" + SlackRequests.EVENTS_PATH));
 * HttpResponse<String> r = slack.send(SlackRequests.appHomeOpened("Ev1", "T1", "U1", "home", null));
 * HttpResponse<String> retry = slack.send(body, SlackRequests.retryHeaders(1, "http_timeout"));
 * }</pre>
 */
public final class SlackRequests {
  public static final String EVENTS_PATH = "/api/v4/integrations/slack/events";

  private final SlackSignature.Generator generator;
  private final URI endpoint;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public SlackRequests(String signingSecret, URI endpoint) {
    this.generator = new SlackSignature.Generator(signingSecret);
    this.endpoint = endpoint;
  }

  /** For the endpoint at {@code http://127.0.0.1:port} + {@link #EVENTS_PATH}. */
  public static SlackRequests forPort(String signingSecret, int port) {
    return new SlackRequests(signingSecret, URI.create("http://127.0.0.1:" + port + EVENTS_PATH));
  }

  /** Slash commands, signed with {@code signingSecret}, to an endpoint's events port on loopback. */
  public static SlackRequests forCommands(String signingSecret, int port) {
    return new SlackRequests(signingSecret, URI.create("http://127.0.0.1:" + port + COMMANDS_PATH));
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The body of Slack's {@code url_verification} handshake. */
  public static String urlVerification(String challenge) {
    return "{\"token\":\"legacy-verification-token\",\"challenge\":\"" + challenge + "\",\"type\":\"url_verification\"}";
  }

  /**
   * An {@code event_callback} carrying {@code app_home_opened}.
   *
   * @param viewHash the hash of the user's current Home view, or {@code null} for a user who never had one
   */
  public static String appHomeOpened(String eventId, String teamId, String userId, String tab, String viewHash) {
    String view = viewHash == null ? "" : ",\"view\":{\"id\":\"V0HOME\",\"team_id\":\"" + teamId
        + "\",\"type\":\"home\",\"blocks\":[],\"hash\":\"" + viewHash + "\"}";
    return "{\"token\":\"legacy-verification-token\",\"team_id\":\"" + teamId + "\",\"api_app_id\":\"A0FLAGSTAFF\","
        + "\"event\":{\"type\":\"app_home_opened\",\"user\":\"" + userId + "\",\"channel\":\"D0HOME\",\"tab\":\""
        + tab + "\",\"event_ts\":\"1700000000.000100\"" + view + "},"
        + "\"type\":\"event_callback\",\"event_id\":\"" + eventId + "\",\"event_time\":1700000000}";
  }

  /** Where Slack sends slash commands (the Request URL of the command in the app's settings). */
  public static final String COMMANDS_PATH = "/api/v4/integrations/slack/commands";

  /**
   * A slash command's form body as Slack sends it ({@code application/x-www-form-urlencoded}), e.g.
   * {@code slashCommand("/flagstaff", "set flag true --dev", "T1", "U1", "alice", "C1", "dev", url)}.
   */
  public static String slashCommand(String command, String text, String teamId, String userId, String userName,
      String channelId, String channelName, String responseUrl) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", "legacy-verification-token");
    form.put("team_id", teamId);
    form.put("team_domain", "flagstaff");
    form.put("channel_id", channelId);
    form.put("channel_name", channelName);
    form.put("user_id", userId);
    form.put("user_name", userName);
    form.put("command", command);
    form.put("text", text);
    form.put("api_app_id", "A0FLAGSTAFF");
    form.put("is_enterprise_install", "false");
    form.put("response_url", responseUrl);
    form.put("trigger_id", "1700000000.1.abc");
    StringBuilder body = new StringBuilder();
    form.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&").append(name).append('=')
        .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return body.toString();
  }

  /** POSTs a form body (a slash command) signed now, as {@code application/x-www-form-urlencoded}. */
  public HttpResponse<String> sendForm(String body) {
    Map<String, String> headers = new LinkedHashMap<>(signedHeaders(body));
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    return sendRaw("POST", body, headers);
  }

  /** Slack's headers on a redelivery: {@code X-Slack-Retry-Num} and {@code X-Slack-Retry-Reason}. */
  public static Map<String, String> retryHeaders(int retryNum, String reason) {
    return Map.of("X-Slack-Retry-Num", Integer.toString(retryNum), "X-Slack-Retry-Reason", reason);
  }

  /** {@code v0=<hex HMAC-SHA256 of v0:timestamp:body>}. */
  public String signature(long timestampSeconds, String body) {
    return generator.generate(Long.toString(timestampSeconds), body);
  }

  /** Content type, timestamp (now) and signature headers for {@code body}. */
  public Map<String, String> signedHeaders(String body) {
    return signedHeaders(body, Instant.now().getEpochSecond());
  }

  public Map<String, String> signedHeaders(String body, long timestampSeconds) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Slack-Request-Timestamp", Long.toString(timestampSeconds));
    headers.put("X-Slack-Signature", signature(timestampSeconds, body));
    return headers;
  }

  /** POSTs {@code body} signed now. */
  public HttpResponse<String> send(String body) {
    return send(body, Map.of());
  }

  /** POSTs {@code body} signed now, with extra headers (e.g. {@link #retryHeaders}). */
  public HttpResponse<String> send(String body, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>(signedHeaders(body));
    headers.putAll(extraHeaders);
    return sendRaw("POST", body, headers);
  }

  /** Sends exactly these headers and body: for tampered, unsigned or oddly shaped requests. */
  public HttpResponse<String> sendRaw(String method, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
