package dev.flagstaff.operator;

import dev.flagstaff.operator.announce.Announcement;
import java.util.ArrayList;
import java.util.List;

/**
 * The Events and Slack announcements one reconcile decided on, as data. They are emitted only once the status that
 * records them is saved: the next reconcile compares with that status, so a failed status write (a conflict, the API
 * server away) emits nothing and its retry emits each notice once.
 */
final class Notices {
  /** One core v1 Event to record on the FeatureFlag. */
  record Event(String type, String reason, String message) {}

  private final List<Event> events = new ArrayList<>();
  private final List<Announcement> announcements = new ArrayList<>();

  void normal(String reason, String message) {
    events.add(new Event("Normal", reason, message));
  }

  void warning(String reason, String message) {
    events.add(new Event("Warning", reason, message));
  }

  void announce(Announcement announcement) {
    announcements.add(announcement);
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  List<Announcement> announcements() {
    return List.copyOf(announcements);
  }
}
