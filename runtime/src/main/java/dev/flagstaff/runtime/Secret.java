package dev.flagstaff.runtime;

/** A secret value. {@link #toString()} never reveals it, so it cannot leak through a log line or an exception. */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = value;
  }

  /** The secret itself: pass it straight to the API that needs it, never to a logger. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "****";
  }
}
