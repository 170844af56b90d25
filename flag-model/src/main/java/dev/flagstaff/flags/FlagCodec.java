package dev.flagstaff.flags;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The ConfigMap contract: one data key per flag, its value the compact JSON of the resolved state, e.g.
 * {@code {"enabled":true,"percentage":25,"strategy":"actors","generation":3}}. Fields are written in a fixed
 * order so that equal states give equal bytes. Unknown fields are ignored on read, so newer operators can add
 * some without breaking older readers.
 */
public final class FlagCodec {
  /** Kubernetes' limit on a ConfigMap's data. */
  public static final int CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

  /** Anything after the object (a second value, stray text) makes the value invalid rather than being ignored. */
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private FlagCodec() {}

  public static String encode(FlagState state) {
    StringBuilder json = new StringBuilder(64);
    json.append("{\"enabled\":").append(state.enabled());
    if (state.hasPercentage()) {
      json.append(",\"percentage\":").append(StateWords.formatPercentage(state.percentage()));
      json.append(",\"strategy\":\"").append(state.strategy().wireName()).append('"');
    }
    if (!state.actors().isEmpty()) {
      json.append(",\"actors\":[");
      for (int i = 0; i < state.actors().size(); i++) {
        if (i > 0) {
          json.append(',');
        }
        appendString(json, state.actors().get(i));
      }
      json.append(']');
    }
    if (state.generation() > 0) {
      json.append(",\"generation\":").append(state.generation());
    }
    return json.append('}').toString();
  }

  /**
   * Whatever the value holds (too deep, too long a number, not JSON, not text at all), the only exception is an
   * {@link IllegalArgumentException} whose message is short and never quotes more than a few characters of it.
   *
   * @throws IllegalArgumentException with a message naming what is wrong when the value is not a valid state
   */
  public static FlagState decode(String value) {
    if (value == null) {
      throw new IllegalArgumentException("no value");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(value);
    } catch (StreamConstraintsException e) {
      // Jackson's limits (nesting depth, number and string length) come without a location.
      throw new IllegalArgumentException("not a flag value: beyond the JSON reader's limits (nesting, number or "
          + "string length)");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException(at == null || at.getLineNr() < 1 ? "not valid JSON"
          : "not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
    } catch (RuntimeException | StackOverflowError e) {
      throw new IllegalArgumentException("not a readable flag value (" + e.getClass().getSimpleName() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    JsonNode enabled = node.get("enabled");
    if (enabled == null || !enabled.isBoolean()) {
      throw new IllegalArgumentException("\"enabled\" must be true or false");
    }
    Double percentage = null;
    JsonNode p = node.get("percentage");
    if (p != null && !p.isNull()) {
      if (!p.isNumber()) {
        throw new IllegalArgumentException("\"percentage\" must be a number");
      }
      percentage = p.doubleValue();
    }
    Strategy strategy = null;
    JsonNode s = node.get("strategy");
    if (s != null && !s.isNull()) {
      if (!s.isTextual()) {
        throw new IllegalArgumentException("\"strategy\" must be actors or random");
      }
      strategy = Strategy.fromWireName(s.asText());
    }
    List<String> actors = new ArrayList<>();
    JsonNode a = node.get("actors");
    if (a != null && !a.isNull()) {
      if (!a.isArray()) {
        throw new IllegalArgumentException("\"actors\" must be a list of strings");
      }
      for (JsonNode actor : a) {
        if (!actor.isTextual()) {
          throw new IllegalArgumentException("\"actors\" must be a list of strings");
        }
        actors.add(actor.asText());
      }
    }
    JsonNode g = node.get("generation");
    long generation = g != null && g.canConvertToLong() ? g.longValue() : 0;
    if (percentage != null && !Double.isFinite(percentage)) {
      throw new IllegalArgumentException("\"percentage\" must be between 0 and 100");
    }
    return FlagState.of(enabled.booleanValue(), percentage, strategy, actors, generation);
  }

  private static void appendString(StringBuilder json, String s) {
    json.append('"');
    JsonStringEncoder.getInstance().quoteAsString(s, json);
    json.append('"');
  }
}
