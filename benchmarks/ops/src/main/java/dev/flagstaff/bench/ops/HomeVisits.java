package dev.flagstaff.bench.ops;

import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackRequests;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Users opening the App Home continuously while the flips run: one signed {@code app_home_opened} (testkit
 * {@link SlackRequests}, the real v0 signature) every {@code periodMicros}, each from a new user so that its
 * {@code views.publish} on the {@link SlackApiStub} tells which visit it answers. Sent without waiting for the
 * acknowledgement, so a slow answer never delays the next visit.
 *
 * <p>For each flip to off: the first {@code views.publish} carrying the fallback view after the write was
 * answered (what the next visitor sees), and, for the visits sent after the endpoint's decision had flipped (the
 * driver's poll), how many still got the feature view. The same for flips to on, with the feature view.
 */
final class HomeVisits implements AutoCloseable {
  /** One visit: who, and when it was sent (wall-clock µs). */
  record Visit(String user, long sent) {}

  private final SlackRequests slack;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "home-visits");
    t.setDaemon(true);
    return t;
  });
  private final ConcurrentLinkedQueue<Visit> visits = new ConcurrentLinkedQueue<>();
  private final AtomicInteger notAcknowledged = new AtomicInteger();
  private final AtomicInteger counter = new AtomicInteger();
  private final long periodMicros;

  HomeVisits(String signingSecret, int eventsPort, long periodMicros) {
    this.slack = SlackRequests.forPort(signingSecret, eventsPort);
    this.periodMicros = periodMicros;
  }

  /** Sends one visit and waits for its acknowledgement (warm-up, and to know the path works). */
  int once() {
    String user = "UWARM" + counter.incrementAndGet();
    return slack.send(SlackRequests.appHomeOpened("EvWarm" + user, "T0BENCH", user, "home", null)).statusCode();
  }

  void start() {
    clock.scheduleAtFixedRate(this::visit, 0, periodMicros, TimeUnit.MICROSECONDS);
  }

  private void visit() {
    int n = counter.incrementAndGet();
    String user = "UV" + n;
    String body = SlackRequests.appHomeOpened("EvP2" + n, "T0BENCH", user, "home", null);
    HttpRequest.Builder request = HttpRequest.newBuilder(slack.endpoint()).timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    slack.signedHeaders(body).forEach(request::header);
    visits.add(new Visit(user, FlipBreakdown.nowMicros()));
    http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
      if (e != null || r.statusCode() != 200) {
        notAcknowledged.incrementAndGet();
      }
    });
  }

  @Override
  public void close() {
    clock.shutdownNow();
  }

  /**
   * The Home tab's side of each flip.
   *
   * @param fallbackText words only the fallback view has
   */
  Map<String, Object> result(List<FlipBreakdown.Flip> flips, List<Boolean> enabled, SlackApiStub stub,
      String fallbackText, List<String> rows) {
    Map<String, Boolean> showsFallback = new HashMap<>();
    Map<String, Long> publishedAt = new HashMap<>();
    List<long[]> publishes = new ArrayList<>(); // [at µs, fallback 1/0]
    for (SlackApiStub.Call call : stub.calls("views.publish")) {
      String user = call.field("user_id");
      String view = call.field("view");
      if (user == null || view == null) {
        continue;
      }
      long at = call.receivedAt().getEpochSecond() * 1_000_000 + call.receivedAt().getNano() / 1_000;
      boolean fallback = view.contains(fallbackText);
      showsFallback.putIfAbsent(user, fallback);
      publishedAt.putIfAbsent(user, at);
      publishes.add(new long[] {at, fallback ? 1 : 0});
    }
    publishes.sort((a, b) -> Long.compare(a[0], b[0]));
    List<Double> toFallback = new ArrayList<>();
    List<Double> toFallbackAfterDecision = new ArrayList<>();
    List<Double> toFeature = new ArrayList<>();
    List<Double> publishAfterVisit = new ArrayList<>();
    int after = 0;
    int afterOld = 0;
    int afterUnanswered = 0;
    int before = 0;
    int beforeNew = 0;
    List<Visit> sent = new ArrayList<>(visits);
    for (int i = 0; i < flips.size(); i++) {
      FlipBreakdown.Flip f = flips.get(i);
      boolean on = enabled.get(i);
      long end = i + 1 < flips.size() ? flips.get(i + 1).sent() : Long.MAX_VALUE;
      Long first = null;
      for (long[] p : publishes) {
        if (p[0] >= f.answered() && p[0] < end && (p[1] == 1) == !on) {
          first = p[0];
          break;
        }
      }
      if (first != null) {
        double ms = (first - f.answered()) / 1000.0;
        (on ? toFeature : toFallback).add(ms);
        if (!on) {
          toFallbackAfterDecision.add((first - f.decision()) / 1000.0);
        }
      }
      for (Visit v : sent) {
        if (v.sent < f.answered() || v.sent >= end) {
          continue;
        }
        Boolean fallback = showsFallback.get(v.user);
        if (fallback != null) {
          publishAfterVisit.add((publishedAt.get(v.user) - v.sent) / 1000.0);
        }
        if (v.sent >= f.decision()) {
          after++;
          if (fallback == null) {
            afterUnanswered++;
          } else if (fallback == on) {
            afterOld++;
          }
        } else {
          before++;
          if (fallback != null && fallback != on) {
            beforeNew++;
          }
        }
      }
      rows.add(String.format("%d,%s,%s,%.3f", f.index(), on, first == null ? "" : String.format("%.3f",
          (first - f.answered()) / 1000.0), (f.decision() - f.answered()) / 1000.0));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("what", "signed app_home_opened every " + periodMicros + " µs (" + Math.round(1e6 / periodMicros)
        + " visits/s), each a new user; views.publish received by the Slack API stub");
    r.put("visitsPerSecond", Math.round(1e6 / periodMicros));
    r.put("visitsSent", sent.size());
    r.put("visitsNotAcknowledged200", notAcknowledged.get());
    r.put("writeToFirstFallbackPublishMs", Stats.summary(toFallback));
    r.put("decisionFlippedToFirstFallbackPublishMs", Stats.summary(toFallbackAfterDecision));
    r.put("writeToFirstFeaturePublishMs", Stats.summary(toFeature));
    r.put("visitToItsPublishMs", Stats.summary(publishAfterVisit));
    r.put("visitsAfterTheDecisionFlipped", after);
    r.put("ofThemGotTheOldView", afterOld);
    r.put("ofThemNotPublished", afterUnanswered);
    r.put("shareAfterDecisionWithOldView", after == 0 ? null : Stats.round(100.0 * afterOld / after) + " %");
    r.put("visitsBetweenWriteAndDecision", before);
    r.put("ofThemAlreadyGotTheNewView", beforeNew);
    return r;
  }
}
