package dev.flagstaff.endpoint.chatops;

/**
 * Who ran a slash command, and where: Slack ids as the signed request gave them, and the command line as typed
 * (what the annotation, the Event, the commit message and the log record).
 */
public record Requester(String team, String user, String userName, String channel, String channelName,
    String line) {
  /** {@code alice (U222) in #production (C0PRODUCTION)}. */
  public String describe() {
    return (userName == null || userName.isEmpty() ? user : userName + " (" + user + ")") + " in "
        + (channelName == null || channelName.isEmpty() ? channel : "#" + channelName + " (" + channel + ")");
  }
}
