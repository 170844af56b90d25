package dev.flagstaff.operator.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import dev.flagstaff.operator.announce.Announcement.Why;
import dev.flagstaff.runtime.Secret;
import dev.flagstaff.testkit.SlackApiStub;
import dev.flagstaff.testkit.SlackApiStub.Call;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The announcer against a real local stub of the Slack Web API. */
class SlackAnnouncerTest {
  static final String TOKEN = "xoxb-23984754863-2348975623103-TnDlzCbdhPq2vRxBW8oRkvR1";
  static final String CHANNEL = "#g_ecosystem_integrations";
  static final String POST = "chat.postMessage";

  SlackApiStub slack;
  MeterRegistry registry = new SimpleMeterRegistry();
  List<SlackAnnouncer> opened = new ArrayList<>();

  @BeforeEach
  void startStub() {
    slack = SlackApiStub.start();
  }

  @AfterEach
  void stop() {
    opened.forEach(SlackAnnouncer::close);
    slack.close();
  }

  @Test
  void oneAnnouncementIsOnePostMessageWithChannelTextBlocksAndTheBotToken() {
    SlackAnnouncer announcer = announcer(10, Duration.ofSeconds(1), SlackAnnouncer.Ticker.SYSTEM);

    announcer.announce(step(CHANNEL, "step 1 of 4"));

    await().until(() -> count("sent", "none") == 1);
    assertThat(slack.calls()).hasSize(1); // no auth.test: stats are off
    Call call = slack.calls(POST).get(0);
    assertThat(call.authorization()).isEqualTo("Bearer " + TOKEN);
    assertThat(call.field("channel")).isEqualTo(CHANNEL);
    assertThat(call.field("text")).isEqualTo(
        "*slack_events_app_home_opened* in *production*: Disabled → 10% of time (rollout step 1 of 4)");
    JsonArray blocks = JsonParser.parseString(call.field("blocks")).getAsJsonArray();
    assertThat(blocks).extracting(b -> b.getAsJsonObject().get("type").getAsString())
        .containsExactly("section", "context");
    assertThat(blocks.get(1).getAsJsonObject().getAsJsonArray("elements"))
        .extracting(e -> e.getAsJsonObject().get("text").getAsString())
        .contains("<" + AnnouncementTextTest.ROLLOUT + "|Rollout issue>");
  }

  @Test
  void rateLimitedIsRetriedAfterRetryAfter() {
    slack.script(POST, SlackApiStub.rateLimited(1), SlackApiStub.ok());
    SlackAnnouncer announcer = announcer(10, Duration.ofSeconds(1), SlackAnnouncer.Ticker.SYSTEM);

    announcer.announce(step(CHANNEL, "step 1 of 4"));

    await().until(() -> count("sent", "none") == 1);
    List<Call> calls = slack.calls(POST);
    assertThat(calls).hasSize(2);
    assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(registry.get("flagstaff.announcement.retries").tag("error", "ratelimited").counter().count())
        .isEqualTo(1);
  }

  @Test
  void aRequestSlackRefusesIsNotRetriedAndIsCountedByItsError() {
    slack.script(POST, SlackApiStub.error("channel_not_found"));
    SlackAnnouncer announcer = announcer(10, Duration.ZERO, SlackAnnouncer.Ticker.SYSTEM);

    announcer.announce(step("#no-such-channel", "step 1 of 4"));

    await().until(() -> count("failed", "channel_not_found") == 1);
    assertThat(slack.calls(POST)).hasSize(1);
    assertThat(count("sent", "none")).isZero();
  }

  @Test
  void slackDownIsRetriedWithBackoffThenCountedFailedWhileAnnounceReturnedAtOnce() throws Exception {
    String url = slack.baseUrl();
    slack.close();
    FakeTicker ticker = new FakeTicker();
    ticker.hold();
    SlackAnnouncer announcer = new SlackAnnouncer(slackAt(url), new Secret(TOKEN), registry, 10, Duration.ZERO, 4,
        Duration.ofSeconds(1), ticker);
    opened.add(announcer);

    announcer.announce(step(CHANNEL, "step 1 of 4"));

    // announce() came back while the sender is still waiting to retry: nothing is decided yet.
    assertThat(ticker.waiting.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(count("failed", "connection_refused")).isZero();
    ticker.release();
    await().until(() -> count("failed", "connection_refused") == 1);
    assertThat(ticker.sleeps()).hasSize(3);
    assertThat(ticker.sleeps().get(0)).isBetween(200L, 300L);
    assertThat(ticker.sleeps().get(1)).isBetween(400L, 600L);
    assertThat(ticker.sleeps().get(2)).isBetween(800L, 1200L);
    assertThat(registry.get("flagstaff.announcement.retries").tag("error", "connection_refused").counter().count())
        .isEqualTo(3);
  }

  @Test
  void aFullQueueDropsTheNewestAndCountsIt() throws Exception {
    FakeTicker ticker = new FakeTicker();
    SlackAnnouncer announcer = announcer(1, Duration.ofSeconds(1), ticker);
    announcer.announce(step(CHANNEL, "step 1 of 4"));
    await().until(() -> count("sent", "none") == 1);
    ticker.hold();
    announcer.announce(step(CHANNEL, "step 2 of 4")); // taken, then waits for the channel's second
    assertThat(ticker.waiting.await(10, TimeUnit.SECONDS)).isTrue();

    announcer.announce(step(CHANNEL, "step 3 of 4")); // fills the queue of one
    announcer.announce(step(CHANNEL, "step 4 of 4")); // dropped

    assertThat(count("dropped", "queue_full")).isEqualTo(1);
    ticker.release();
    await().until(() -> count("sent", "none") == 3);
    assertThat(slack.calls(POST)).extracting(c -> c.field("text"))
        .allSatisfy(text -> assertThat(text).doesNotContain("step 4 of 4"))
        .hasSize(3);
  }

  @Test
  void aBurstToOneChannelIsSpreadOneIntervalApartWithoutHoldingOtherChannels() {
    FakeTicker ticker = new FakeTicker();
    SlackAnnouncer announcer = announcer(10, Duration.ofSeconds(1), ticker);

    for (int step = 1; step <= 3; step++) {
      announcer.announce(step(CHANNEL, "step " + step + " of 4"));
    }
    announcer.announce(step("#other", "step 1 of 2"));

    await().until(() -> count("sent", "none") == 4);
    assertThat(slack.calls(POST)).extracting(c -> c.field("channel") + " " + c.field("text").replaceAll(".*\\(", "("))
        .containsExactly(CHANNEL + " (rollout step 1 of 4)", CHANNEL + " (rollout step 2 of 4)",
            CHANNEL + " (rollout step 3 of 4)", "#other (rollout step 1 of 2)");
    assertThat(ticker.sleeps()).containsExactly(1000L, 1000L);
  }

  @Test
  void theRateLimitHoldsOnARealClock() {
    SlackAnnouncer announcer = announcer(10, Duration.ofMillis(300), SlackAnnouncer.Ticker.SYSTEM);

    for (int step = 1; step <= 3; step++) {
      announcer.announce(step(CHANNEL, "step " + step + " of 4"));
    }

    await().until(() -> count("sent", "none") == 3);
    List<Call> calls = slack.calls(POST);
    for (int i = 1; i < calls.size(); i++) {
      assertThat(Duration.between(calls.get(i - 1).receivedAt(), calls.get(i).receivedAt()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
  }

  @Test
  void aFlagWithoutAChannelIsSkippedAndCounted() {
    SlackAnnouncer announcer = announcer(10, Duration.ZERO, SlackAnnouncer.Ticker.SYSTEM);

    announcer.announce(step(null, "step 1 of 4"));
    announcer.announce(step("  ", "step 1 of 4"));
    announcer.announce(step(CHANNEL, "step 1 of 4"));

    await().until(() -> count("sent", "none") == 1);
    assertThat(count("skipped", "no_channel")).isEqualTo(2);
    assertThat(slack.calls(POST)).hasSize(1);
  }

  @Test
  void closeSendsWhatIsQueuedThenRefusesMore() {
    SlackAnnouncer announcer = announcer(10, Duration.ofMillis(50), SlackAnnouncer.Ticker.SYSTEM);
    announcer.announce(step(CHANNEL, "step 1 of 4"));
    announcer.announce(step(CHANNEL, "step 2 of 4"));

    announcer.close();

    assertThat(slack.calls(POST)).hasSize(2);
    assertThat(count("sent", "none")).isEqualTo(2);
    announcer.announce(step(CHANNEL, "step 3 of 4"));
    assertThat(count("dropped", "closed")).isEqualTo(1);
  }

  private SlackAnnouncer announcer(int capacity, Duration interval, SlackAnnouncer.Ticker ticker) {
    SlackAnnouncer announcer = new SlackAnnouncer(slackAt(slack.baseUrl()), new Secret(TOKEN), registry, capacity,
        interval, 4, Duration.ofSeconds(5), ticker);
    opened.add(announcer);
    return announcer;
  }

  private static Slack slackAt(String url) {
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(url);
    config.setStatsEnabled(false);
    return Slack.getInstance(config);
  }

  static Announcement step(String channel, String detail) {
    return new Announcement("integrations", "app-home", AnnouncementTextTest.KEY, "production", "Disabled",
        "10% of time", Why.ROLLOUT_STEP, detail, channel, "group::integrations",
        new Announcement.Links(null, AnnouncementTextTest.ROLLOUT, null));
  }

  private double count(String result, String error) {
    Counter counter = registry.find("flagstaff.announcements").tag("result", result).tag("error", error).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Time that moves only when the sender waits; a wait can be held until the test releases it. */
  static final class FakeTicker implements SlackAnnouncer.Ticker {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<Long> sleeps = Collections.synchronizedList(new ArrayList<>());
    private volatile CountDownLatch gate;
    volatile CountDownLatch waiting = new CountDownLatch(1);

    void hold() {
      waiting = new CountDownLatch(1);
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    List<Long> sleeps() {
      synchronized (sleeps) {
        return List.copyOf(sleeps);
      }
    }

    @Override
    public long millis() {
      return now.get();
    }

    @Override
    public void sleep(long millis) throws InterruptedException {
      sleeps.add(millis);
      waiting.countDown();
      CountDownLatch held = gate;
      if (held != null) {
        held.await();
      }
      now.addAndGet(millis);
    }
  }
}
