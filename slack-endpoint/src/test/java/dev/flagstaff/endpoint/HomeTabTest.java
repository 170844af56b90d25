package dev.flagstaff.endpoint;

import static dev.flagstaff.endpoint.EndpointFixture.FEATURE_WORDS;
import static dev.flagstaff.endpoint.EndpointFixture.FLAG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.endpoint.home.HomeView;
import dev.flagstaff.testkit.SlackApiStub.HomeTab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user's Home tab shows, as the Slack stub keeps it (the last view published to them): the feature view
 * while the flag is on for them, the fallback view once it is off, whatever they were shown before.
 */
class HomeTabTest {
  @TempDir Path tmp;
  @AutoClose
  EndpointFixture fx;

  @Test
  void rollbackReplacesTheFeatureOnTheTabOfAUserWhoSawItAndEnablingBringsItBack() {
    fx = EndpointFixture.start(tmp, Map.of());
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.openHome("U1");
    assertThat(fx.tab("U1").text()).contains(FEATURE_WORDS);

    fx.flag(FLAG, "{\"enabled\":false}");
    fx.openHome("U1");
    assertThat(fx.tab("U1").text()).isEqualTo(HomeView.FALLBACK_TEXT);
    assertThat(fx.count("flagstaff.app.home", "outcome", "fallback")).isEqualTo(1);

    fx.flag(FLAG, "{\"enabled\":true}");
    fx.openHome("U1");
    assertThat(fx.tab("U1").text()).contains(FEATURE_WORDS);
    assertThat(fx.tab("U1").publishes()).isEqualTo(3);
  }

  @Test
  void aUserWhoNeverSawTheFeatureGetsTheFallbackAndAnUnknownFlagIsOff() {
    fx = EndpointFixture.start(tmp, Map.of());
    fx.openHome("U2");
    assertThat(fx.tab("U2").text()).isEqualTo(HomeView.FALLBACK_TEXT).doesNotContain(FLAG);
    assertThat(fx.count("flagstaff.flag.decisions", "key", FLAG, "result", "off", "reason", "unknown_flag"))
        .isEqualTo(1);
  }

  @Test
  void theFallbackTemplateIsWhatTheTabShowsWhileOff() throws Exception {
    Path fallback = tmp.resolve("fallback.json");
    Files.writeString(fallback, "{\"type\":\"home\",\"blocks\":[{\"type\":\"section\",\"text\":"
        + "{\"type\":\"mrkdwn\",\"text\":\"Acme's Home is on its way.\"}}]}");
    fx = EndpointFixture.start(tmp, Map.of("FLAGSTAFF_HOME_FALLBACK_TEMPLATE", fallback.toString()));
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.openHome("U1");
    fx.flag(FLAG, "{\"enabled\":false}");
    fx.openHome("U1");
    assertThat(fx.tab("U1").text()).isEqualTo("Acme's Home is on its way.");
  }

  /** The opt-out, and what it costs: the feature stays on the tab of whoever saw it. */
  @Test
  void withTheFallbackOffNothingIsPublishedAndARollbackDoesNotReachTheTab() {
    fx = EndpointFixture.start(tmp, Map.of("FLAGSTAFF_HOME_FALLBACK", "false"));
    fx.openHome("U3");
    assertThat(fx.tab("U3")).as("Slack's placeholder: nothing published").isNull();
    fx.flag(FLAG, "{\"enabled\":true}");
    fx.openHome("U1");
    fx.flag(FLAG, "{\"enabled\":false}");
    fx.openHome("U1");
    assertThat(fx.tab("U1").text()).contains(FEATURE_WORDS);
    assertThat(fx.tab("U1").publishes()).isEqualTo(1);
    assertThat(fx.count("flagstaff.app.home", "outcome", "flag_off")).isEqualTo(2);
  }

  /**
   * {@code strategy: random} on a persistent surface: every visit decides afresh and overwrites the tab, so after
   * several visits each the share of users whose tab shows the feature is the percentage, not the share of users
   * who were ever shown it (1 - 0.9^4 = 34% here, as it was while an off visit published nothing).
   */
  @Test
  void atTenPercentRandomAboutTenPercentOfTabsShowTheFeatureAfterEveryonesLastVisit() {
    fx = EndpointFixture.start(tmp, Map.of("FLAGSTAFF_QUEUE_CAPACITY", "10000"));
    fx.flag(FLAG, "{\"enabled\":true,\"percentage\":10,\"strategy\":\"random\"}");
    int users = 600;
    int visits = 4;
    int everShown = 0;
    boolean[] shown = new boolean[users];
    String[] everyone = IntStream.range(0, users).mapToObj(u -> "U" + u).toArray(String[]::new);
    for (int visit = 0; visit < visits; visit++) {
      fx.openHome(everyone);
      for (int u = 0; u < users; u++) {
        if (showsFeature(fx.tab(everyone[u]))) {
          everShown += shown[u] ? 0 : 1;
          shown[u] = true;
        }
      }
    }
    long showing = fx.slack.homeTabs().values().stream().filter(HomeTabTest::showsFeature).count();
    assertThat(fx.slack.homeTabs()).hasSize(users);
    // Binomial(600, 0.1): mean 60, standard deviation 7.3. The bounds are 7 standard deviations away: a correct
    // endpoint falls outside them about once in 10^12 runs, while the ratchet (mean 206) or a feature never shown
    // (0) cannot fall inside.
    assertThat(showing).as("users whose tab shows the feature after their last visit").isBetween(9L, 111L);
    double ever = users * (1 - Math.pow(0.9, visits));
    double spread = 7 * Math.sqrt(ever * Math.pow(0.9, visits));
    assertThat((double) everShown).as("users who were shown it at least once").isBetween(ever - spread, ever + spread);
    System.out.printf("[home] %d users x %d visits at 10%% random: %d tabs show the feature after the last visit; "
        + "%d users were shown it at least once%n", users, visits, showing, everShown);
  }

  private static boolean showsFeature(HomeTab tab) {
    return tab != null && tab.shows(FEATURE_WORDS);
  }
}
