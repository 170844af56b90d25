package dev.flagstaff.endpoint.flags;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.flags.Decision;
import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.flags.FlagState;
import dev.flagstaff.flags.StateWords;
import dev.flagstaff.runtime.ManagementServer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Read-only {@code GET /flags} (the flags as loaded, the source's version and when it was read, and any problem)
 * and {@code GET /flags/{key}?actor=ID} (the decision for one actor: QA's "verify that the feature works").
 */
public final class FlagsEndpoints {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,253}");

  private final FlagsStore store;
  private final String source;
  private final Clock clock;

  public FlagsEndpoints(FlagsStore store, String source, Clock clock) {
    this.store = store;
    this.source = source;
    this.clock = clock;
  }

  public void register(ManagementServer management) {
    management.route("/flags", this::handle);
  }

  private ManagementServer.Reply handle(String path, String rawQuery) {
    if (path.equals("/flags") || path.equals("/flags/")) {
      return json(200, all());
    }
    String key = path.substring("/flags/".length());
    if (!KEY.matcher(key).matches()) {
      return json(400, MAPPER.createObjectNode().put("error", "invalid_key"));
    }
    return json(200, one(key, query(rawQuery, "actor")));
  }

  ObjectNode all() {
    FlagsSnapshot snapshot = store.snapshot();
    ObjectNode body = MAPPER.createObjectNode();
    body.put("source", source);
    body.put("loaded", snapshot.loaded());
    body.put("version", snapshot.version());
    body.put("readAt", snapshot.readAt() == null ? null : snapshot.readAt().toString());
    if (snapshot.readAt() != null) {
      body.put("ageSeconds", Duration.between(snapshot.readAt(), clock.instant()).toMillis() / 1000.0);
    }
    body.put("stale", snapshot.stale());
    body.put("note", snapshot.note());
    ObjectNode flags = body.putObject("flags");
    new TreeMap<>(snapshot.flags()).forEach((key, state) -> {
      ObjectNode flag = flags.putObject(key);
      flag.put("state", StateWords.of(state));
      flag.set("value", readTree(FlagCodec.encode(state)));
      flag.put("owners", snapshot.owners().get(key));
      if (snapshot.problems().containsKey(key)) {
        flag.put("problem", snapshot.problems().get(key) + " (the previous good value is served)");
      }
    });
    ObjectNode problems = body.putObject("problems");
    new TreeMap<>(snapshot.problems()).forEach((key, problem) -> problems.put(key.isEmpty() ? "(source)" : key, problem));
    return body;
  }

  ObjectNode one(String key, String actor) {
    FlagsSnapshot snapshot = store.snapshot();
    FlagState state = snapshot.flags().get(key);
    Decision decision = store.evaluate(key, actor);
    ObjectNode body = MAPPER.createObjectNode();
    body.put("key", key);
    body.put("actor", actor);
    body.put("enabled", decision.enabled());
    body.put("reason", decision.reason());
    body.put("state", state == null ? null : StateWords.of(state));
    body.put("version", snapshot.version());
    body.put("stale", snapshot.stale());
    return body;
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      return MAPPER.getNodeFactory().textNode(json);
    }
  }

  private static String query(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      if (k.equals(name)) {
        String value;
        try {
          value = URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new ManagementServer.BadRequest("invalid_query");
        }
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }

  private static ManagementServer.Reply json(int status, ObjectNode body) {
    return ManagementServer.Reply.json(status, body.toString() + "\n");
  }
}
