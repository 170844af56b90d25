package dev.flagstaff.endpoint;

import static dev.flagstaff.endpoint.EndpointFixture.FLAG;
import static dev.flagstaff.endpoint.EndpointFixture.JSON;
import static dev.flagstaff.endpoint.EndpointFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstaff.endpoint.home.HomeView;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Events API through real HTTP, signed with the real algorithm, publishing to a local Slack API stub. */
class EventsEndpointTest {
  @TempDir Path tmp;
  @AutoClose
  EndpointFixture fx;

  private EndpointFixture start(Map<String, String> env) {
    fx = EndpointFixture.start(tmp, env);
    return fx;
  }

  @Test
  void urlVerificationAnswersTheChallenge() throws Exception {
    start(Map.of());
    HttpResponse<String> response = fx.requests.send(SlackRequests.urlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("challenge").asText())
        .isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
  }

  @Test
  void flagOnPublishesTheHomeViewForTheUserWithTheViewHash() throws Exception {
    start(Map.of("FLAGSTAFF_ENVIRONMENT", "staging"));
    fx.flag(FLAG, "{\"enabled\":true}");

    HttpResponse<String> response = fx.requests.send(SlackRequests.appHomeOpened("Ev01", "T1", "U1", "home", "h-123"));

    assertThat(response.statusCode()).isEqualTo(200);
    await().until(() -> fx.slack.calls("views.publish").size() == 1);
    SlackApiStub.Call call = fx.slack.calls("views.publish").get(0);
    assertThat(call.authorization()).isEqualTo("Bearer " + TOKEN);
    assertThat(call.headers().get("content-type")).startsWith("application/x-www-form-urlencoded");
    assertThat(call.field("user_id")).isEqualTo("U1");
    assertThat(call.field("hash")).isEqualTo("h-123");
    JsonNode view = JSON.readTree(call.field("view"));
    assertThat(view.get("type").asText()).isEqualTo("home");
    assertThat(view.get("blocks").get(0).get("type").asText()).isEqualTo("header");
    assertThat(view.get("blocks").get(0).get("text").get("text").asText()).isEqualTo("Flagstaff");
    assertThat(view.toString()).contains("Environment: *staging*").doesNotContain("Feature flags in");
    assertThat(fx.count("flagstaff.slack.views.publish", "result", "ok")).isEqualTo(1);
  }

  @Test
  void flagOffAcknowledgesAndPublishesTheFallbackView() throws Exception {
    start(Map.of());
    fx.flag(FLAG, "{\"enabled\":false}");

    assertThat(fx.requests.send(SlackRequests.appHomeOpened("Ev02", "T1", "U1", "home", "h-9")).statusCode()).isEqualTo(200);

    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "ok") == 1);
    SlackApiStub.Call call = fx.slack.calls("views.publish").get(0);
    assertThat(call.field("user_id")).isEqualTo("U1");
    assertThat(call.field("hash")).isEqualTo("h-9");
    JsonNode view = JSON.readTree(call.field("view"));
    assertThat(view.get("type").asText()).isEqualTo("home");
    assertThat(view.toString()).contains(HomeView.FALLBACK_TEXT).doesNotContain(FLAG);
    assertThat(fx.count("flagstaff.app.home", "outcome", "fallback")).isEqualTo(1);
    assertThat(fx.count("flagstaff.flag.decisions", "key", FLAG, "result", "off", "reason", "disabled")).isEqualTo(1);
  }

  @Test
  void theMessagesTabIsNotTheHome() {
    start(Map.of());
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.requests.send(SlackRequests.appHomeOpened("Ev04", "T1", "U1", "messages", null));
    await().until(() -> fx.count("flagstaff.app.home", "outcome", "not_home_tab") == 1);
    assertThat(fx.slack.calls()).isEmpty();
  }

  @Test
  void oneEventDeliveredThreeTimesIsPublishedOnce() {
    start(Map.of());
    fx.flag(FLAG, "{\"enabled\":true}");
    String body = SlackRequests.appHomeOpened("Ev05", "T1", "U1", "home", null);

    assertThat(fx.requests.send(body).statusCode()).isEqualTo(200);
    assertThat(fx.requests.send(body, SlackRequests.retryHeaders(1, "http_timeout")).statusCode()).isEqualTo(200);
    assertThat(fx.requests.send(body, SlackRequests.retryHeaders(2, "http_timeout")).statusCode()).isEqualTo(200);

    await().until(() -> fx.slack.calls("views.publish").size() == 1);
    assertThat(fx.count("flagstaff.slack.duplicates")).isEqualTo(2);
    assertThat(fx.count("flagstaff.slack.retries", "reason", "http_timeout")).isEqualTo(2);
    assertThat(fx.count("flagstaff.app.home", "outcome", "publish")).isEqualTo(1);
    assertThat(fx.slack.calls("views.publish")).hasSize(1);
  }

  @Test
  void rateLimitedPublishIsRetriedOnceAfterRetryAfter() {
    start(Map.of());
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.slack.script("views.publish", SlackApiStub.rateLimited(1), SlackApiStub.ok());

    assertThat(fx.requests.send(SlackRequests.appHomeOpened("Ev06", "T1", "U1", "home", null)).statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> fx.count("flagstaff.slack.views.publish", "result", "ok") == 1);
    var calls = fx.slack.calls("views.publish");
    assertThat(calls).hasSize(2);
    assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(fx.count("flagstaff.slack.views.publish", "result", "retried", "error", "ratelimited")).isEqualTo(1);
  }

  @Test
  void aRetriedFeatureViewNeverLandsAfterTheRollbacksFallback() {
    start(Map.of());
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.slack.script("views.publish", SlackApiStub.rateLimited(30), SlackApiStub.ok());
    fx.requests.send(SlackRequests.appHomeOpened("Ev20", "T1", "U1", "home", null));
    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "retried", "error", "ratelimited") == 1);

    fx.flag(FLAG, "{\"enabled\":false}");
    fx.requests.send(SlackRequests.appHomeOpened("Ev21", "T1", "U1", "home", null));

    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "ok") == 1);
    assertThat(fx.tab("U1").text()).isEqualTo(HomeView.FALLBACK_TEXT);
    assertThat(fx.count("flagstaff.slack.views.publish", "result", "superseded", "error", "ratelimited")).isEqualTo(1);
    assertThat(fx.slack.calls("views.publish")).hasSize(2);
  }

  @Test
  void slackErrorsAreCountedByCodeAndNotRetried() {
    start(Map.of());
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.slack.script("views.publish", SlackApiStub.error("invalid_auth"));
    fx.requests.send(SlackRequests.appHomeOpened("Ev07", "T1", "U1", "home", null));
    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "failed", "error", "invalid_auth") == 1);
    assertThat(fx.slack.calls("views.publish")).hasSize(1);
  }

  @Test
  void serverErrorsAreRetriedWithBackoff() {
    start(Map.of());
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.slack.script("views.publish", SlackApiStub.status(503), SlackApiStub.error("internal_error"), SlackApiStub.ok());
    fx.requests.send(SlackRequests.appHomeOpened("Ev08", "T1", "U1", "home", null));
    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "ok") == 1);
    assertThat(fx.slack.calls("views.publish")).hasSize(3);
    assertThat(fx.count("flagstaff.slack.views.publish", "result", "retried", "error", "http_503")).isEqualTo(1);
    assertThat(fx.count("flagstaff.slack.views.publish", "result", "retried", "error", "internal_error")).isEqualTo(1);
  }

  @Test
  void slackDownStillAcknowledgesAndCountsTheFailure() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    start(Map.of("SLACK_API_URL", "http://127.0.0.1:" + closedPort + "/api/", "FLAGSTAFF_SLACK_MAX_ATTEMPTS", "2"));
    fx.flag(FLAG, "{\"enabled\":true}");

    assertThat(fx.requests.send(SlackRequests.appHomeOpened("Ev09", "T1", "U1", "home", null)).statusCode()).isEqualTo(200);
    assertThat(fx.requests.send(SlackRequests.appHomeOpened("Ev10", "T1", "U2", "home", null)).statusCode()).isEqualTo(200);

    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "failed", "error", "connection_refused") == 2);
    assertThat(fx.count("flagstaff.slack.views.publish", "result", "retried", "error", "connection_refused")).isEqualTo(2);
    assertThat(fx.requests.send(SlackRequests.urlVerification("still-here")).statusCode()).isEqualTo(200);
  }

  @Test
  void slowSlackTimesOutAndIsCounted() {
    start(Map.of("FLAGSTAFF_SLACK_TIMEOUT", "200ms", "FLAGSTAFF_SLACK_MAX_ATTEMPTS", "1"));
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.slack.script("views.publish", SlackApiStub.ok().after(Duration.ofSeconds(2)));
    assertThat(fx.requests.send(SlackRequests.appHomeOpened("Ev11", "T1", "U1", "home", null)).statusCode()).isEqualTo(200);
    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "failed", "error", "timeout") == 1);
  }

  @Test
  void fullQueueStillAcknowledgesAndCountsTheDrop() {
    start(Map.of("FLAGSTAFF_WORKER_THREADS", "1", "FLAGSTAFF_QUEUE_CAPACITY", "1"));
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.slack.hold();

    // The first event occupies the only worker thread (its views.publish is held open by the stub)...
    assertThat(fx.requests.send(SlackRequests.appHomeOpened("EvQ1", "T1", "U1", "home", null)).statusCode()).isEqualTo(200);
    await().until(() -> fx.slack.calls("views.publish").size() == 1);
    // ...the second waits in the queue, the third finds it full: all three are acknowledged.
    for (int i = 2; i <= 3; i++) {
      assertThat(fx.requests.send(SlackRequests.appHomeOpened("EvQ" + i, "T1", "U" + i, "home", null)).statusCode()).isEqualTo(200);
    }

    assertThat(fx.count("flagstaff.slack.events", "type", "app_home_opened", "outcome", "dropped_queue_full")).isEqualTo(1);
    fx.slack.release();
    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "ok") == 2);
    assertThat(fx.slack.calls("views.publish")).extracting(c -> c.field("user_id")).containsExactly("U1", "U2");
  }

  @Test
  void otherEventsAndUnknownPayloadTypesAreAcknowledgedAndCounted() {
    start(Map.of());
    String message = "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"Ev12\",\"event\":{\"type\":\"message\",\"text\":\"hi\"}}";
    String rateLimited = "{\"token\":\"x\",\"type\":\"app_rate_limited\",\"team_id\":\"T1\",\"minute_rate_limited\":1518467820,\"api_app_id\":\"A1\"}";
    assertThat(fx.requests.send(message).statusCode()).isEqualTo(200);
    assertThat(fx.requests.send(rateLimited).statusCode()).isEqualTo(200);
    assertThat(fx.count("flagstaff.slack.events", "type", "message", "outcome", "ignored")).isEqualTo(1);
    assertThat(fx.count("flagstaff.slack.events", "type", "app_rate_limited", "outcome", "unknown_type")).isEqualTo(1);
  }

  @Test
  void teamActorEvaluatesTheFlagForTheTeam() {
    start(Map.of("FLAGSTAFF_ACTOR", "team"));
    fx.flag(FLAG, "{\"enabled\":true,\"percentage\":0,\"strategy\":\"actors\",\"actors\":[\"T_BETA\"]}");
    fx.requests.send(SlackRequests.appHomeOpened("Ev13", "T_OTHER", "U_BETA_NOT", "home", null));
    fx.requests.send(SlackRequests.appHomeOpened("Ev14", "T_BETA", "U7", "home", null));
    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "ok") == 2);
    assertThat(fx.tab("U7").text()).contains(EndpointFixture.FEATURE_WORDS);
    assertThat(fx.tab("U_BETA_NOT").text()).isEqualTo(HomeView.FALLBACK_TEXT);
  }

  @Test
  void userActorIsTheDefault() {
    start(Map.of());
    fx.flag(FLAG, "{\"enabled\":true,\"percentage\":0,\"strategy\":\"actors\",\"actors\":[\"U_QA\"]}");
    fx.requests.send(SlackRequests.appHomeOpened("Ev15", "T1", "U_SOMEONE", "home", null));
    fx.requests.send(SlackRequests.appHomeOpened("Ev16", "T1", "U_QA", "home", null));
    await().until(() -> fx.count("flagstaff.slack.views.publish", "result", "ok") == 2);
    assertThat(fx.tab("U_QA").text()).contains(EndpointFixture.FEATURE_WORDS);
    assertThat(fx.tab("U_SOMEONE").text()).isEqualTo(HomeView.FALLBACK_TEXT);
  }

  @Test
  void showFlagsPublishesTheRolloutDashboard() throws Exception {
    start(Map.of("FLAGSTAFF_HOME_SHOW_FLAGS", "true", "FLAGSTAFF_ENVIRONMENT", "production"));
    fx.flag("new_search", "{\"enabled\":true,\"percentage\":25,\"strategy\":\"actors\",\"owners\":{\"team\":\"group::search\"}}");
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.requests.send(SlackRequests.appHomeOpened("Ev17", "T1", "U1", "home", null));
    await().until(() -> fx.slack.calls("views.publish").size() == 1);
    String view = JSON.readTree(fx.slack.calls("views.publish").get(0).field("view")).toString();
    assertThat(view).contains("Feature flags in production", "*new_search*  25% of actors", "Owners: group::search",
        "*" + FLAG + "*  Enabled");
  }

  @Test
  void templateReplacesTheDefaultView() throws Exception {
    Path template = tmp.resolve("home.json");
    java.nio.file.Files.writeString(template, "{\"type\":\"home\",\"blocks\":[{\"type\":\"section\",\"text\":"
        + "{\"type\":\"mrkdwn\",\"text\":\"*Welcome to Acme*\"}}]}");
    start(Map.of("FLAGSTAFF_HOME_TEMPLATE", template.toString()));
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.requests.send(SlackRequests.appHomeOpened("Ev18", "T1", "U1", "home", null));
    await().until(() -> fx.slack.calls("views.publish").size() == 1);
    JsonNode view = JSON.readTree(fx.slack.calls("views.publish").get(0).field("view"));
    assertThat(view.get("blocks")).hasSize(1);
    assertThat(view.get("blocks").get(0).get("text").get("text").asText()).isEqualTo("*Welcome to Acme*");
  }

  @Test
  void flagsFileChangeFlipsTheDecision() {
    start(Map.of());
    fx.flag(FLAG, "{\"enabled\":true}");
    assertThat(fx.management("/flags/" + FLAG + "?actor=U1").get("enabled").asBoolean()).isTrue();
    fx.flag(FLAG, "{\"enabled\":false}");
    JsonNode decision = fx.management("/flags/" + FLAG + "?actor=U1");
    assertThat(decision.get("enabled").asBoolean()).isFalse();
    assertThat(decision.get("reason").asText()).isEqualTo("disabled");
    assertThat(decision.get("actor").asText()).isEqualTo("U1");
    assertThat(decision.get("key").asText()).isEqualTo(FLAG);
  }

  @Test
  void managementPortServesHealthReadinessAndMetrics() {
    start(Map.of());
    assertThat(fx.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(fx.get("/readyz").statusCode()).isEqualTo(200);
    fx.requests.send(SlackRequests.urlVerification("c"));
    String metrics = fx.get("/metrics").body();
    assertThat(metrics).contains("flagstaff_slack_requests_total{outcome=\"ok\"} 1.0", "flagstaff_worker_queue_depth",
        "flagstaff_flags_age_seconds", "flagstaff_flags_version", "flagstaff_slack_duplicates_total",
        "flagstaff_worker_latency_seconds");
  }
}
