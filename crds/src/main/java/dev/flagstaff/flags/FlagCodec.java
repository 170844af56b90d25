package dev.flagstaff.flags;

import com.fasterxml.jackson.core.JsonProcessingException;
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

  private static final ObjectMapper MAPPER = new ObjectMapper();

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
   * @throws IllegalArgumentException with a message naming what is wrong when the value is not a valid state
   */
  public static FlagState decode(String value) {
    JsonNode node;
    try {
      node = MAPPER.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr());
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
    return FlagState.of(enabled.booleanValue(), percentage, strategy, actors, generation);
  }

  private static void appendString(StringBuilder json, String s) {
    json.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': json.append("\\\""); break;
        case '\\': json.append("\\\\"); break;
        case '\n': json.append("\\n"); break;
        case '\r': json.append("\\r"); break;
        case '\t': json.append("\\t"); break;
        default:
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
      }
    }
    json.append('"');
  }
}
