package dev.flagstaff.endpoint.home;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import java.util.ArrayList;
import java.util.List;

/**
 * The App Home as a pure function of plain values: a header and what the app does (or the operator's template in
 * their place), then, when asked for, this environment's flags with their state and owners — a rollout dashboard
 * inside Slack. Never more than Slack's 100 blocks. And the fallback view, what a user's Home tab shows while the
 * flag is off for them: one neutral line (or the operator's fallback template), naming neither feature nor flag.
 */
public final class HomeView {
  public static final int MAX_BLOCKS = 100;
  /** The first words of the default feature view. */
  public static final String FEATURE_HEADLINE = "Feature flags for this workspace, managed as Kubernetes resources.";
  /** The default fallback view's only text. */
  public static final String FALLBACK_TEXT = "There is nothing to show here right now.";

  /** One flag as the dashboard shows it. {@code owners} may be {@code null}. */
  public record FlagRow(String key, String state, String owners) {}

  private HomeView() {}

  /**
   * @param template the operator's Home template, replacing the default header and text; {@code null} for the default
   * @param appHomeFlag the flag gating this view, named in the default text
   * @param environment shown when not {@code null}
   * @param flags the rows to show, sorted as they should appear; {@code null} when the dashboard is off
   */
  public static View build(View template, String appHomeFlag, String environment, List<FlagRow> flags) {
    List<LayoutBlock> blocks = new ArrayList<>();
    if (template != null) {
      blocks.addAll(template.getBlocks() == null ? List.of() : template.getBlocks());
    } else {
      blocks.add(header(h -> h.text(plainText("Flagstaff"))));
      blocks.add(section(s -> s.text(markdownText(
          "*" + FEATURE_HEADLINE + "*\n"
              + "Flags are rolled out environment by environment (dev, staging, production), by percentage of "
              + "users or of time, and rolled back by setting `enabled: false`. This Home tab is shown while the "
              + "flag `" + escape(appHomeFlag) + "` is on for you."))));
      if (environment != null) {
        blocks.add(context(c -> c.elements(List.of(markdownText("Environment: *" + escape(environment) + "*")))));
      }
    }
    if (flags != null) {
      addFlags(blocks, environment, flags);
    }
    View.ViewBuilder view = View.builder().type("home").blocks(blocks);
    if (template != null) {
      view.callbackId(template.getCallbackId()).privateMetadata(template.getPrivateMetadata())
          .externalId(template.getExternalId());
    }
    return view.build();
  }

  /**
   * The view published while the flag is off, replacing whatever the user's Home tab held (a Home tab keeps the
   * last view published to it, so a rollback must overwrite the feature view).
   *
   * @param template the operator's fallback template; {@code null} for the default
   */
  public static View fallback(View template) {
    if (template == null) {
      return View.builder().type("home").blocks(List.of(section(s -> s.text(markdownText(FALLBACK_TEXT))))).build();
    }
    return View.builder().type("home").blocks(template.getBlocks() == null ? List.of() : template.getBlocks())
        .callbackId(template.getCallbackId()).privateMetadata(template.getPrivateMetadata())
        .externalId(template.getExternalId()).build();
  }

  private static void addFlags(List<LayoutBlock> blocks, String environment, List<FlagRow> flags) {
    if (blocks.size() + 3 > MAX_BLOCKS) {
      return;
    }
    blocks.add(divider());
    String title = environment == null ? "Feature flags" : "Feature flags in " + environment;
    blocks.add(header(h -> h.text(plainText(title))));
    if (flags.isEmpty()) {
      blocks.add(section(s -> s.text(markdownText("No flags are set in this environment."))));
      return;
    }
    int room = MAX_BLOCKS - blocks.size();
    int shown = flags.size() <= room ? flags.size() : room - 1;
    for (FlagRow flag : flags.subList(0, shown)) {
      String text = "*" + escape(flag.key()) + "*  " + escape(flag.state())
          + (flag.owners() == null ? "" : "\nOwners: " + escape(flag.owners()));
      blocks.add(section(s -> s.text(markdownText(text))));
    }
    if (shown < flags.size()) {
      int more = flags.size() - shown;
      blocks.add(context(c -> c.elements(List.of(markdownText("…and " + more + " more")))));
    }
  }

  /** Slack's mrkdwn escaping: the three characters with a control meaning. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
