package dev.flagstaff.flags;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a percentage is applied. */
public enum Strategy {
  /** A stable share of actors: the same actor always gets the same answer (Flipper's percentage of actors). */
  @JsonProperty("actors") ACTORS("actors"),
  /** A share of calls, drawn afresh on every call (Flipper's percentage of time). */
  @JsonProperty("random") RANDOM("random");

  private final String wireName;

  Strategy(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in manifests and in the ConfigMap. */
  public String wireName() {
    return wireName;
  }

  public static Strategy fromWireName(String name) {
    for (Strategy s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    String shown = name == null ? "null" : name.length() > 32 ? name.substring(0, 32) + "..." : name;
    throw new IllegalArgumentException("unknown strategy '" + shown + "' (expected actors or random)");
  }
}
