package dev.flagstaff.endpoint.home;

import com.slack.api.model.view.View;
import dev.flagstaff.endpoint.EndpointMetrics;
import dev.flagstaff.endpoint.EndpointSettings.ActorKind;
import dev.flagstaff.endpoint.events.AppHomeOpened;
import dev.flagstaff.endpoint.flags.FlagsSnapshot;
import dev.flagstaff.endpoint.flags.FlagsStore;
import dev.flagstaff.flags.Decision;
import dev.flagstaff.flags.StateWords;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the worker does with an {@code app_home_opened} event on the Home tab: decide the flag for this request's
 * actor (the Slack user, or the team), then publish the feature view when it is on and the fallback view when it is
 * off. A Home tab keeps the last view published to it, so publishing the fallback on every visit while the flag is
 * off is what makes a rollback reach users who were shown the feature. With no fallback view
 * ({@code FLAGSTAFF_HOME_FALLBACK=false}) nothing is published while off: a new user sees Slack's placeholder, and
 * a user who was shown the feature keeps it. Safe to run twice.
 */
public final class AppHomeHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AppHomeHandler.class);

  private final FlagsStore flags;
  private final String flagKey;
  private final ActorKind actorKind;
  private final boolean showFlags;
  private final String environment;
  private final View template;
  /** {@code null}: publish nothing while the flag is off. */
  private final View fallback;
  private final AppHomePublisher publisher;
  private final EndpointMetrics metrics;

  public AppHomeHandler(FlagsStore flags, String flagKey, ActorKind actorKind, boolean showFlags, String environment,
      View template, View fallback, AppHomePublisher publisher, EndpointMetrics metrics) {
    this.flags = flags;
    this.flagKey = flagKey;
    this.actorKind = actorKind;
    this.showFlags = showFlags;
    this.environment = environment;
    this.template = template;
    this.fallback = fallback;
    this.publisher = publisher;
    this.metrics = metrics;
  }

  public void handle(AppHomeOpened event) {
    try (var ignored = MDC.putCloseable("event_id", event.eventId())) {
      if (!"home".equals(event.tab())) {
        metrics.appHome("not_home_tab");
        return;
      }
      String actor = actorKind == ActorKind.TEAM ? event.teamId() : event.userId();
      Decision decision = flags.evaluate(flagKey, actor);
      metrics.decision(decision);
      if (!decision.enabled()) {
        if (fallback == null) {
          metrics.appHome("flag_off");
          LOG.debug("flag {} off for {} ({}): nothing published", flagKey, actor, decision.reason());
          return;
        }
        metrics.appHome("fallback");
        LOG.debug("flag {} off for {} ({}): publishing the fallback view", flagKey, actor, decision.reason());
        publisher.publish(event.eventId(), event.userId(), fallback, event.viewHash());
        return;
      }
      metrics.appHome("publish");
      View view = HomeView.build(template, flagKey, environment, showFlags ? rows(flags.snapshot()) : null);
      publisher.publish(event.eventId(), event.userId(), view, event.viewHash());
    }
  }

  static List<HomeView.FlagRow> rows(FlagsSnapshot snapshot) {
    return new TreeMap<>(snapshot.flags()).entrySet().stream()
        .map(e -> new HomeView.FlagRow(e.getKey(), StateWords.of(e.getValue()), snapshot.owners().get(e.getKey())))
        .collect(Collectors.toList());
  }
}
