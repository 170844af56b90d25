package dev.flagstaff.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;

/**
 * A real local HTTP server (JDK HttpServer on 127.0.0.1, an ephemeral port) standing in for the Slack Web API.
 * Records every call — method, headers (names in lower case), form fields, raw body — and answers
 * {@code {"ok":true,...}} by default. Replies can be scripted per method: 429 with Retry-After, {@code ok:false}
 * with an error code, another HTTP status, or a delay. Point a Slack client at {@link #baseUrl()}.
 *
 * <pre>{@code
 * try (SlackApiStub slack = SlackApiStub.start()) {
 *   slack.script("views.publish", SlackApiStub.rateLimited(1), SlackApiStub.ok());
 *   // SLACK_API_URL=slack.baseUrl()
 *   await().until(() -> slack.calls("views.publish").size() == 2);
 * }
 * }</pre>
 */
public final class SlackApiStub implements AutoCloseable {
  /** One request the stub received. */
  public record Call(String method, Map<String, String> headers, Map<String, String> form, String body,
      Instant receivedAt) {
    /** The Authorization header, e.g. {@code Bearer xoxb-...}, or {@code null}. */
    public String authorization() {
      return headers.get("authorization");
    }

    /** A form field ({@code user_id}, {@code view}, {@code hash}, ...), or {@code null}. */
    public String field(String name) {
      return form.get(name);
    }
  }

  /**
   * What one user's Home tab shows: the view last published to them.
   *
   * @param view the view's JSON as the client sent it
   * @param publishes how many successful publishes this user's tab has received
   */
  public record HomeTab(String userId, String view, int publishes, Instant publishedAt) {
    /** Every {@code "text"} string of the view, in order, one per line: what the user reads. */
    public String text() {
      List<String> texts = new ArrayList<>();
      try {
        collectTexts(JSON.readTree(view), texts);
      } catch (IOException e) {
        return "";
      }
      return String.join("\n", texts);
    }

    private static void collectTexts(JsonNode node, List<String> texts) {
      if (node.isObject()) {
        node.fields().forEachRemaining(field -> {
          if ("text".equals(field.getKey()) && field.getValue().isTextual()) {
            texts.add(field.getValue().asText());
          } else {
            collectTexts(field.getValue(), texts);
          }
        });
      } else if (node.isArray()) {
        node.forEach(child -> collectTexts(child, texts));
      }
    }

    /** Whether the tab shows {@code words} somewhere in its text. */
    public boolean shows(String words) {
      return text().contains(words);
    }
  }

  /** What the stub answers to one call. */
  public record Reply(int status, String body, Map<String, String> headers, Duration delay) {
    public Reply after(Duration wait) {
      return new Reply(status, body, headers, wait);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Deque<Reply>> scripts = new HashMap<>();
  private final Map<String, HomeTab> homeTabs = new HashMap<>();
  private final Map<String, List<String>> userGroups = new HashMap<>();
  private final List<Call> hookPosts = Collections.synchronizedList(new ArrayList<>());
  private static final ObjectMapper JSON = new ObjectMapper();
  private volatile CountDownLatch held;

  private SlackApiStub(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a stub on 127.0.0.1 and an ephemeral port. */
  public static SlackApiStub start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "slack-api-stub");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(executor);
      SlackApiStub stub = new SlackApiStub(server, executor);
      server.createContext("/api/", stub::handle);
      server.createContext(HOOKS, stub::hook);
      server.start();
      return stub;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the Slack API stub", e);
    }
  }

  /** {@code http://127.0.0.1:PORT/api/}: a value for SLACK_API_URL or {@code SlackConfig.setMethodsEndpointUrlPrefix}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Where {@link #responseUrl} points: a stand-in for Slack's {@code https://hooks.slack.com/commands/...}. */
  public static final String HOOKS = "/hooks/";

  /**
   * A slash command's {@code response_url} on this stub ({@code http://127.0.0.1:PORT/hooks/commands/<id>}); what
   * is posted to it is recorded ({@link #hookPosts(String)}) and answered {@code ok}, as Slack does.
   */
  public String responseUrl(String id) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + HOOKS + "commands/" + id;
  }

  /** The posts to one response_url, in arrival order; each {@link Call#body()} is the JSON message. */
  public List<Call> hookPosts(String responseUrl) {
    String path = java.net.URI.create(responseUrl).getPath();
    synchronized (hookPosts) {
      return hookPosts.stream().filter(c -> c.method().equals(path)).toList();
    }
  }

  /** {@code usergroups.users.list} answers these members for {@code groupId} (unknown groups: no_such_subteam). */
  public synchronized SlackApiStub userGroup(String groupId, String... users) {
    userGroups.put(groupId, List.of(users));
    return this;
  }

  /** Every call so far, in arrival order. */
  public List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** The calls to one Web API method, e.g. {@code views.publish}. */
  public List<Call> calls(String method) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.method().equals(method)).toList();
    }
  }

  /** The next calls to {@code method} get these replies in order; later calls get the default {@link #ok()}. */
  public synchronized SlackApiStub script(String method, Reply... replies) {
    scripts.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(List.of(replies));
    return this;
  }

  /** What {@code userId}'s Home tab shows, or {@code null} when nothing was ever published to them. */
  public synchronized HomeTab homeTab(String userId) {
    return homeTabs.get(userId);
  }

  /** Every user's Home tab, by user id. */
  public synchronized Map<String, HomeTab> homeTabs() {
    return Map.copyOf(homeTabs);
  }

  /**
   * Calls received from now on are recorded, then wait for {@link #release()} before they are answered: a test can
   * know that a caller is inside a call (it shows in {@link #calls()}) without guessing how long a delay covers it.
   */
  public void hold() {
    held = new CountDownLatch(1);
  }

  /** Answers the calls waiting since {@link #hold()}, and lets later ones through at once. */
  public void release() {
    CountDownLatch gate = held;
    held = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  /** Forgets the calls, the scripts and the Home tabs. */
  public synchronized void reset() {
    calls.clear();
    scripts.clear();
    homeTabs.clear();
    hookPosts.clear();
  }

  /** {@code 200 {"ok":true}} (with a view for views.publish). */
  public static Reply ok() {
    return new Reply(200, null, Map.of(), Duration.ZERO);
  }

  /** {@code 429} with {@code Retry-After: seconds} and {@code {"ok":false,"error":"ratelimited"}}, as Slack answers. */
  public static Reply rateLimited(int retryAfterSeconds) {
    return new Reply(429, "{\"ok\":false,\"error\":\"ratelimited\"}",
        Map.of("Retry-After", Integer.toString(retryAfterSeconds)), Duration.ZERO);
  }

  /** {@code 200 {"ok":false,"error":code}}, e.g. {@code invalid_auth}, {@code hash_conflict}. */
  public static Reply error(String code) {
    return new Reply(200, "{\"ok\":false,\"error\":\"" + code + "\"}", Map.of(), Duration.ZERO);
  }

  /** Any HTTP status with a small body. */
  public static Reply status(int status) {
    return new Reply(status, "{\"ok\":false,\"error\":\"http_" + status + "\"}", Map.of(), Duration.ZERO);
  }

  private synchronized Reply next(String method) {
    Deque<Reply> script = scripts.get(method);
    return script == null || script.isEmpty() ? ok() : script.poll();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestURI().getPath().substring("/api/".length());
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((name, values) ->
          headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
      String contentType = headers.getOrDefault("content-type", "");
      Map<String, String> form = contentType.startsWith("application/x-www-form-urlencoded") ? parseForm(body) : Map.of();
      calls.add(new Call(method, Map.copyOf(headers), form, body, Instant.now()));

      CountDownLatch gate = held;
      if (gate != null) {
        try {
          gate.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      Reply reply = next(method);
      if (!reply.delay().isZero()) {
        try {
          Thread.sleep(reply.delay().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      String answer = reply.body() != null ? reply.body()
          : "usergroups.users.list".equals(method) ? userGroupMembers(form.get("usergroup")) : defaultBody(method, form);
      if (reply.body() == null && reply.status() == 200 && "views.publish".equals(method)) {
        showOnHomeTab(form.get("user_id"), form.get("view"));
      }
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private synchronized String userGroupMembers(String group) {
    List<String> users = userGroups.get(group);
    if (users == null) {
      return "{\"ok\":false,\"error\":\"no_such_subteam\"}";
    }
    return JSON.createObjectNode().put("ok", true).set("users", JSON.valueToTree(users)).toString();
  }

  private void hook(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((name, values) ->
          headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
      hookPosts.add(new Call(exchange.getRequestURI().getPath(), Map.copyOf(headers), Map.of(), body, Instant.now()));
      byte[] bytes = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private synchronized void showOnHomeTab(String userId, String view) {
    if (userId == null || view == null) {
      return;
    }
    HomeTab before = homeTabs.get(userId);
    homeTabs.put(userId, new HomeTab(userId, view, before == null ? 1 : before.publishes() + 1, Instant.now()));
  }

  private static String defaultBody(String method, Map<String, String> form) {
    switch (method) {
      case "views.publish":
        return "{\"ok\":true,\"view\":{\"id\":\"V0STUB\",\"type\":\"home\",\"hash\":\"stub-hash\"}}";
      case "chat.postMessage":
        return "{\"ok\":true,\"channel\":\"" + form.getOrDefault("channel", "C0STUB") + "\",\"ts\":\"1700000000.000100\"}";
      case "auth.test":
        return "{\"ok\":true,\"url\":\"https://stub.slack.test/\",\"team\":\"Stub\",\"user\":\"bot\","
            + "\"team_id\":\"T0STUB\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0STUB\"}";
      default:
        return "{\"ok\":true}";
    }
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(name, value);
    }
    return Map.copyOf(form);
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    executor.shutdownNow();
  }
}
