package dev.flagstaff.runtime;

/**
 * Where both processes call the Slack Web API: {@code SLACK_API_URL}, by default Slack's own. Tests and the demo
 * point it at the local stub.
 */
public final class SlackApiUrl {
  public static final String VARIABLE = "SLACK_API_URL";
  public static final String DEFAULT = "https://slack.com/api/";

  private SlackApiUrl() {}

  /** The configured base URL, ending in {@code /}. */
  public static String of(Config config) {
    return config.baseUrl(VARIABLE, DEFAULT);
  }
}
