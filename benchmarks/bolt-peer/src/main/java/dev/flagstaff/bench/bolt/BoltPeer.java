package dev.flagstaff.bench.bolt;

import com.slack.api.app_backend.SlackSignature;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.jetty.SlackAppServer;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.builtin.IgnoringSelfEvents;
import com.slack.api.bolt.middleware.builtin.RequestVerification;
import com.slack.api.bolt.middleware.builtin.SingleTeamAuthorization;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.model.event.AppHomeOpenedEvent;
import java.util.List;
import java.util.Map;

/**
 * The peer of benchmark P3: a Bolt for Java app served by bolt-jetty's {@link SlackAppServer}, answering Slack's
 * Events API on the same path as Flagstaff's endpoint. Per request it does what a real single-workspace Bolt app
 * does before a handler runs — verify the v0 signature with the signing secret ({@link RequestVerification}),
 * authorize the workspace ({@link SingleTeamAuthorization}), skip the app's own events
 * ({@link IgnoringSelfEvents}) — and then an {@code app_home_opened} handler that only acknowledges.
 *
 * <p>Bolt's default middleware list would call {@code auth.test} on slack.com while the app is built, which a
 * loopback benchmark cannot (and should not) do. So this app passes Bolt's own middlewares explicitly, with
 * {@link SingleTeamAuthorization} seeded with the answer {@code auth.test} would have given and that answer never
 * expiring: the steady state of a real app, which calls {@code auth.test} once every 10 minutes by default.
 *
 * <p>Environment: {@code SLACK_SIGNING_SECRET} (required), {@code PORT} (default 3000).
 */
public final class BoltPeer {
  public static final String EVENTS_PATH = "/api/v4/integrations/slack/events";

  private BoltPeer() {
  }

  public static void main(String[] args) throws Exception {
    String secret = System.getenv("SLACK_SIGNING_SECRET");
    if (secret == null || secret.isBlank()) {
      System.err.println("SLACK_SIGNING_SECRET is required");
      System.exit(2);
    }
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "3000"));
    App app = app(secret);
    SlackAppServer server = new SlackAppServer(app, EVENTS_PATH, port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop();
      } catch (Exception e) {
        // stopping anyway
      }
    }));
    System.out.println("Bolt peer listening on " + port + EVENTS_PATH);
    server.start(); // blocks until stopped
  }

  /** The app: Bolt's request verification is on (a signing secret is set), and the handler only acknowledges. */
  static App app(String signingSecret) {
    AppConfig config = AppConfig.builder()
        .signingSecret(signingSecret)
        .singleTeamBotToken("xoxb-benchmark-dummy-token")
        .requestVerificationEnabled(true)
        .authTestCacheEnabled(true)
        .authTestCacheExpirationMillis(-1) // never expires: no auth.test is ever sent
        .build();
    List<Middleware> middlewares = List.of(
        new RequestVerification(new SlackSignature.Verifier(new SlackSignature.Generator(signingSecret))),
        new SingleTeamAuthorization(config, seededAuthTest(), null),
        new IgnoringSelfEvents(config.getSlack().getConfig(), config.isIgnoringSelfAssistantMessageEventsEnabled()));
    App app = new App(config, middlewares);
    app.event(AppHomeOpenedEvent.class, (payload, ctx) -> ctx.ack());
    return app;
  }

  private static AuthTestResponse seededAuthTest() {
    AuthTestResponse auth = new AuthTestResponse();
    auth.setOk(true);
    auth.setTeamId("T0BENCH");
    auth.setUserId("U0BOLTBOT");
    auth.setBotId("B0BOLTBOT");
    auth.setHttpResponseHeaders(Map.of("x-oauth-scopes", List.of("chat:write")));
    return auth;
  }
}
