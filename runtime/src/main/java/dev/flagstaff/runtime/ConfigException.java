package dev.flagstaff.runtime;

/** A configuration problem a user can fix; its message says which variable and how. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
