package dev.flagstaff.flags;

/** The outcome of one evaluation and why. Constants only, so evaluating allocates nothing. */
public enum Decision {
  UNKNOWN_FLAG(false, "unknown_flag"),
  DISABLED(false, "disabled"),
  ACTOR_LISTED(true, "actor_listed"),
  FULLY_ON(true, "fully_on"),
  NO_ACTOR(false, "no_actor"),
  ACTOR_IN_PERCENTAGE(true, "actor_in_percentage"),
  ACTOR_OUTSIDE_PERCENTAGE(false, "actor_outside_percentage"),
  RANDOM_ON(true, "random_on"),
  RANDOM_OFF(false, "random_off");

  private final boolean enabled;
  private final String reason;

  Decision(boolean enabled, String reason) {
    this.enabled = enabled;
    this.reason = reason;
  }

  public boolean enabled() {
    return enabled;
  }

  /** A stable, lower-case reason code for APIs, logs and metric tags. */
  public String reason() {
    return reason;
  }
}
