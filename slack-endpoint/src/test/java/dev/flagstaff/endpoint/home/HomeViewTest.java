package dev.flagstaff.endpoint.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.slack.api.model.block.HeaderBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.view.View;
import com.slack.api.util.json.GsonFactory;
import dev.flagstaff.runtime.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HomeViewTest {
  static final String FLAG = "slack_events_app_home_opened";

  static String json(View view) {
    return GsonFactory.createSnakeCase().toJson(view);
  }

  @Test
  void defaultViewHasAHeaderAndSaysWhatTheAppDoes() {
    View view = HomeView.build(null, FLAG, null, null);
    assertThat(view.getType()).isEqualTo("home");
    assertThat(view.getBlocks()).hasSize(2);
    assertThat(((HeaderBlock) view.getBlocks().get(0)).getText().getText()).isEqualTo("Flagstaff");
    assertThat(((SectionBlock) view.getBlocks().get(1)).getText().getText())
        .contains("Feature flags", "`" + FLAG + "`", "enabled: false");
  }

  @Test
  void dashboardListsFlagsWithStateAndOwnersEscaped() {
    View view = HomeView.build(null, FLAG, "production", List.of(
        new HomeView.FlagRow("a_flag", "25% of actors", "group::a <#C1>"),
        new HomeView.FlagRow("b_flag", "Disabled", null)));
    assertThat(json(view)).contains("Environment: *production*", "Feature flags in production");
    List<String> sections = view.getBlocks().stream().filter(b -> b instanceof SectionBlock)
        .map(b -> ((SectionBlock) b).getText().getText()).collect(Collectors.toList());
    assertThat(sections).endsWith("*a_flag*  25% of actors\nOwners: group::a &lt;#C1&gt;", "*b_flag*  Disabled");
  }

  @Test
  void neverMoreThanOneHundredBlocks() {
    List<HomeView.FlagRow> rows = IntStream.range(0, 500)
        .mapToObj(i -> new HomeView.FlagRow("flag_" + i, "Enabled", null)).collect(Collectors.toList());
    View view = HomeView.build(null, FLAG, "dev", rows);
    assertThat(view.getBlocks()).hasSize(100);
    assertThat(json(view)).contains("more");
  }

  @Test
  void templateReplacesTheDefaultAndIsValidatedAtStartUp() {
    Path file = Path.of("home.json");
    View template = HomeTemplate.parse(file,
        "{\"type\":\"home\",\"callback_id\":\"acme\",\"blocks\":[{\"type\":\"divider\"},{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"Hi\"}}]}");
    View view = HomeView.build(template, FLAG, null, null);
    assertThat(view.getBlocks()).hasSize(2);
    assertThat(view.getCallbackId()).isEqualTo("acme");
    assertThat(json(view)).doesNotContain("Flagstaff");

    assertThatThrownBy(() -> HomeTemplate.parse(file, "{not json"))
        .isInstanceOf(ConfigException.class).hasMessage("FLAGSTAFF_HOME_TEMPLATE: home.json is not valid JSON");
    assertThatThrownBy(() -> HomeTemplate.parse(file, "{\"type\":\"modal\",\"blocks\":[]}"))
        .hasMessageContaining("must have \"type\": \"home\"");
    String tooMany = IntStream.range(0, 101).mapToObj(i -> "{\"type\":\"divider\"}").collect(Collectors.joining(","));
    assertThatThrownBy(() -> HomeTemplate.parse(file, "{\"type\":\"home\",\"blocks\":[" + tooMany + "]}"))
        .hasMessageContaining("has 101 blocks; Slack allows at most 100");
    assertThatThrownBy(() -> HomeTemplate.parse(file, "{\"type\":\"home\",\"blocks\":[{\"text\":\"x\"}]}"))
        .hasMessageContaining("block 1 has no \"type\"");
    assertThatThrownBy(() -> HomeTemplate.load(Path.of("does-not-exist.json")))
        .hasMessageContaining("cannot be read");
  }

  @Test
  void fallbackIsOneNeutralLineThatNamesNeitherFeatureNorFlag() {
    View view = HomeView.fallback(null);
    assertThat(view.getType()).isEqualTo("home");
    assertThat(view.getBlocks()).singleElement().isInstanceOf(SectionBlock.class);
    assertThat(((SectionBlock) view.getBlocks().get(0)).getText().getText()).isEqualTo(HomeView.FALLBACK_TEXT);
    assertThat(json(view)).doesNotContain("Flagstaff").doesNotContain(FLAG).doesNotContain("flag");
  }

  @Test
  void fallbackTemplateReplacesTheDefaultFallbackAndNamesItsOwnVariable() {
    Path file = Path.of("fallback.json");
    View template = HomeTemplate.parse(HomeTemplate.FALLBACK, file,
        "{\"type\":\"home\",\"external_id\":\"acme-off\",\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"Coming soon\"}}]}");
    View view = HomeView.fallback(template);
    assertThat(view.getExternalId()).isEqualTo("acme-off");
    assertThat(json(view)).contains("Coming soon").doesNotContain(HomeView.FALLBACK_TEXT);

    assertThatThrownBy(() -> HomeTemplate.parse(HomeTemplate.FALLBACK, file, "[]"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("FLAGSTAFF_HOME_FALLBACK_TEMPLATE: fallback.json must be a JSON object (a Block Kit view)");
  }
}
