package dev.flagstaff.operator.announce;

import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.ContextBlockElement;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import dev.flagstaff.operator.announce.Announcement.Why;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an announcement says: the fallback {@code text} (notifications, clients without blocks) and the Block Kit
 * {@code blocks} (the headline, then who owns the flag and where its issues are). A pure function of the
 * {@link Announcement}; user-written values are escaped for Slack's mrkdwn and only http(s) links are linked.
 */
public record AnnouncementText(String text, List<LayoutBlock> blocks) {
  private static final Pattern SAFE_URL = Pattern.compile("^https?://[^\\s<>|]+$");

  public AnnouncementText {
    blocks = List.copyOf(blocks);
  }

  public static AnnouncementText of(Announcement a) {
    String headline = headline(a);
    List<ContextBlockElement> context = new ArrayList<>();
    if (a.team() != null && !a.team().isBlank()) {
      context.add(mrkdwn("Team: " + escape(a.team())));
    }
    context.add(mrkdwn("FeatureFlag `" + escape(a.namespace()) + "/" + escape(a.name()) + "`"));
    link(context, a.links().rolloutIssue(), "Rollout issue");
    link(context, a.links().featureIssue(), "Feature issue");
    link(context, a.links().introducedBy(), "Introduced by");
    List<LayoutBlock> blocks = List.of(
        SectionBlock.builder().text(MarkdownTextObject.builder().text(headline).build()).build(),
        ContextBlock.builder().elements(context).build());
    return new AnnouncementText(headline, blocks);
  }

  /** The one line that says it all, e.g. {@code *key* in *production*: Disabled → 10% of time (rollout step 1 of 4)}. */
  static String headline(Announcement a) {
    String flag = "*" + escape(a.key()) + "*";
    String environment = "*" + escape(a.environment()) + "*";
    String detail = a.detail() == null || a.detail().isBlank() ? null : escape(a.detail().trim());
    if (a.why() == Why.READY_FOR_CLEANUP) {
      return flag + " has been fully on in " + environment + (detail == null ? "" : " for " + detail)
          + ": remove it from the code, then `kubectl delete featureflag " + escape(a.name())
          + " -n " + escape(a.namespace()) + "`";
    }
    String change = a.from() == null
        ? "now " + words(a.to())
        : words(a.from()) + " → " + (a.to() == null ? "removed" : words(a.to()));
    return flag + " in " + environment + ": " + change + " (" + because(a.why(), detail) + ")";
  }

  private static String because(Why why, String detail) {
    switch (why) {
      case ROLLOUT_STEP:
        return detail == null ? "rollout step" : "rollout " + detail;
      case ROLLBACK:
        return detail == null ? "rolled back" : "rolled back: " + detail;
      case DELETED:
        return "the FeatureFlag was deleted: its key is gone and the flag reads as off"
            + (detail == null ? "" : "; " + detail);
      default:
        return detail == null ? "spec change" : "spec change: " + detail;
    }
  }

  private static String words(String state) {
    return state == null ? "unknown" : escape(state);
  }

  private static void link(List<ContextBlockElement> context, String url, String label) {
    if (url != null && SAFE_URL.matcher(url.trim()).matches()) {
      context.add(mrkdwn("<" + url.trim() + "|" + label + ">"));
    }
  }

  private static MarkdownTextObject mrkdwn(String text) {
    return MarkdownTextObject.builder().text(text).build();
  }

  /** Slack's mrkdwn reserves {@code &}, {@code <} and {@code >}. */
  static String escape(String value) {
    if (value == null) {
      return "";
    }
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
