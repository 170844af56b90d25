package dev.flagstaff.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration read once from environment variables. Every accessor names the variable in its error, so a
 * process that refuses to start says exactly what to fix. Tests pass their own map.
 */
public final class Config {
  private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h)$");

  private final Map<String, String> env;

  public Config(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static Config fromEnvironment() {
    return new Config(System.getenv());
  }

  /** The value, or {@code null} when the variable is unset or blank. */
  public String string(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  public String string(String name, String defaultValue) {
    String value = string(name);
    return value == null ? defaultValue : value;
  }

  public String required(String name, String what) {
    String value = string(name);
    if (value == null) {
      throw new ConfigException(name + " is required: " + what);
    }
    return value;
  }

  /**
   * An http(s) base URL, returned ending in {@code /}. A bad value is not echoed in the error: a token pasted
   * into the wrong variable must not reach the logs.
   */
  public String baseUrl(String name, String defaultValue) {
    String value = string(name, defaultValue);
    String url = value.endsWith("/") ? value : value + "/";
    try {
      java.net.URI uri = java.net.URI.create(url);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name + " must be an http(s) URL such as " + defaultValue);
    }
    return url;
  }

  /** A secret: never logged; its {@link Secret#toString()} is masked. */
  public Secret secret(String name) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? null : new Secret(value);
  }

  public int integer(String name, int defaultValue, int min, int max) {
    String value = string(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a whole number, got '" + value + "'");
    }
  }

  public int port(String name, int defaultValue) {
    return integer(name, defaultValue, 0, 65535);
  }

  public boolean bool(String name, boolean defaultValue) {
    String value = string(name);
    if (value == null) {
      return defaultValue;
    }
    switch (value.toLowerCase()) {
      case "true": case "yes": case "1": return true;
      case "false": case "no": case "0": return false;
      default: throw new ConfigException(name + " must be true or false, got '" + value + "'");
    }
  }

  /** A duration written the Kubernetes way: 250ms, 30s, 5m, 1h. */
  public Duration duration(String name, Duration defaultValue) {
    String value = string(name);
    if (value == null) {
      return defaultValue;
    }
    return parseDuration(name, value);
  }

  public static Duration parseDuration(String name, String value) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new ConfigException(name + " must be a duration such as 250ms, 30s, 5m or 1h, got '" + value + "'");
    }
    long amount = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms": return Duration.ofMillis(amount);
      case "s": return Duration.ofSeconds(amount);
      case "m": return Duration.ofMinutes(amount);
      default: return Duration.ofHours(amount);
    }
  }

  public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
    String value = string(name);
    if (value == null) {
      return defaultValue;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase());
    }
    throw new ConfigException(name + " must be one of " + allowed + ", got '" + value + "'");
  }
}
