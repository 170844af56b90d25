package dev.flagstaff.operator.announce;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagSpec;
import dev.flagstaff.api.v1alpha1.Links;
import dev.flagstaff.api.v1alpha1.Owners;
import dev.flagstaff.operator.announce.Announcement.Why;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AnnouncementTextTest {
  static final String KEY = "slack_events_app_home_opened";
  static final String ROLLOUT = "https://gitlab.com/gitlab-org/gitlab/-/issues/435010";
  static final String MR = "https://gitlab.com/gitlab-org/gitlab/-/merge_requests/139812";

  static Announcement announcement(String from, String to, Why why, String detail) {
    return new Announcement("integrations", "app-home", KEY, "production", from, to, why, detail,
        "#g_ecosystem_integrations", "group::integrations", new Announcement.Links(MR, ROLLOUT, null));
  }

  @Test
  void rolloutStepSaysOldNewAndWhichStepWithTheIssueLinked() {
    AnnouncementText text = AnnouncementText.of(announcement("Disabled", "10% of time", Why.ROLLOUT_STEP, "step 1 of 4"));

    assertThat(text.text())
        .isEqualTo("*slack_events_app_home_opened* in *production*: Disabled → 10% of time (rollout step 1 of 4)");
    assertThat(text.blocks()).hasSize(2);
    assertThat(section(text.blocks().get(0))).isEqualTo(text.text());
    assertThat(context(text.blocks().get(1))).containsExactly(
        "Team: group::integrations",
        "FeatureFlag `integrations/app-home`",
        "<" + ROLLOUT + "|Rollout issue>",
        "<" + MR + "|Introduced by>");
  }

  @Test
  void specChange() {
    assertThat(AnnouncementText.of(announcement("25% of actors", "Enabled", Why.SPEC_CHANGE, null)).text())
        .isEqualTo("*" + KEY + "* in *production*: 25% of actors → Enabled (spec change)");
    assertThat(AnnouncementText.of(announcement(null, "Enabled", Why.SPEC_CHANGE, null)).text())
        .isEqualTo("*" + KEY + "* in *production*: now Enabled (spec change)");
  }

  @Test
  void rollbackGivesTheReasonEscapedForMrkdwn() {
    AnnouncementText text = AnnouncementText.of(announcement("50% of time", "Disabled", Why.ROLLBACK,
        "check publish_errors = 0.12 > max 0.05, 1 of 1"));
    assertThat(text.text()).isEqualTo("*" + KEY + "* in *production*: 50% of time → Disabled "
        + "(rolled back: check publish_errors = 0.12 &gt; max 0.05, 1 of 1)");
  }

  @Test
  void readyForCleanupRemindsToRemoveTheCodeAndDeleteTheResource() {
    AnnouncementText text = AnnouncementText.of(announcement("Enabled", "Enabled", Why.READY_FOR_CLEANUP, "24h"));
    assertThat(text.text()).isEqualTo("*" + KEY + "* has been fully on in *production* for 24h: remove it from the "
        + "code, then `kubectl delete featureflag app-home -n integrations`");
  }

  @Test
  void deletionSaysTheFlagNowReadsAsOff() {
    assertThat(AnnouncementText.of(announcement("Enabled", null, Why.DELETED, null)).text())
        .isEqualTo("*" + KEY + "* in *production*: Enabled → removed "
            + "(the FeatureFlag was deleted: its key is gone and the flag reads as off)");
  }

  @Test
  void onlyHttpLinksAreLinkedAndMarkupInValuesIsEscaped() {
    Announcement a = new Announcement("ns", "f", "k", "dev", "Disabled", "Enabled", Why.SPEC_CHANGE, null,
        "C123", "<!channel> & co", new Announcement.Links("javascript:alert(1)", "https://x.test/a|<!here>", null));
    List<String> context = context(AnnouncementText.of(a).blocks().get(1));
    assertThat(context).containsExactly("Team: &lt;!channel&gt; &amp; co", "FeatureFlag `ns/f`");
  }

  @Test
  void factoryReadsOwnersAndLinksFromTheResource() {
    FeatureFlag flag = new FeatureFlag();
    flag.setMetadata(new ObjectMetaBuilder().withNamespace("integrations").withName("app-home").build());
    FeatureFlagSpec spec = new FeatureFlagSpec();
    spec.setKey(KEY);
    Owners owners = new Owners();
    owners.setTeam("group::integrations");
    owners.setSlackChannel("#g_ecosystem_integrations");
    spec.setOwners(owners);
    Links links = new Links();
    links.setRolloutIssue(ROLLOUT);
    spec.setLinks(links);
    flag.setSpec(spec);

    Announcement a = Announcement.of(flag, "production", "Disabled", "Enabled", Why.SPEC_CHANGE, null);

    assertThat(a).isEqualTo(new Announcement("integrations", "app-home", KEY, "production", "Disabled", "Enabled",
        Why.SPEC_CHANGE, null, "#g_ecosystem_integrations", "group::integrations",
        new Announcement.Links(null, ROLLOUT, null)));
    assertThat(a.hasChannel()).isTrue();

    flag.getSpec().setOwners(null);
    flag.getSpec().setLinks(null);
    Announcement bare = Announcement.of(flag, "production", "Enabled", null, Why.DELETED, null);
    assertThat(bare.hasChannel()).isFalse();
    assertThat(bare.links()).isEqualTo(Announcement.Links.NONE);
    assertThat(bare.key()).isEqualTo(KEY);
  }

  private static String section(LayoutBlock block) {
    return ((MarkdownTextObject) ((SectionBlock) block).getText()).getText();
  }

  private static List<String> context(LayoutBlock block) {
    return ((ContextBlock) block).getElements().stream()
        .map(e -> ((MarkdownTextObject) e).getText()).collect(Collectors.toList());
  }
}
