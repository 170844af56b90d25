package dev.flagstaff.endpoint.home;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.slack.api.model.view.View;
import com.slack.api.util.json.GsonFactory;
import dev.flagstaff.runtime.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An operator's Block Kit Home template — the feature view ({@code FLAGSTAFF_HOME_TEMPLATE}) or the fallback view
 * ({@code FLAGSTAFF_HOME_FALLBACK_TEMPLATE}) — loaded and validated once at start-up: a JSON object with
 * {@code "type": "home"} and at most 100 blocks, each with a type. Anything else stops the process with a message
 * naming the variable, the file and the problem.
 */
public final class HomeTemplate {
  public static final String FEATURE = "FLAGSTAFF_HOME_TEMPLATE";
  public static final String FALLBACK = "FLAGSTAFF_HOME_FALLBACK_TEMPLATE";

  private HomeTemplate() {}

  /** The feature view's template ({@value #FEATURE}). */
  public static View load(Path file) {
    return load(FEATURE, file);
  }

  /** The template named by the environment variable {@code variable}, read from {@code file}. */
  public static View load(String variable, Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw problem(variable, file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    return parse(variable, file, json);
  }

  static View parse(Path file, String json) {
    return parse(FEATURE, file, json);
  }

  static View parse(String variable, Path file, String json) {
    JsonElement root;
    try {
      root = JsonParser.parseString(json);
    } catch (JsonParseException e) {
      throw problem(variable, file, "is not valid JSON");
    }
    if (!root.isJsonObject()) {
      throw problem(variable, file, "must be a JSON object (a Block Kit view)");
    }
    JsonObject view = root.getAsJsonObject();
    JsonElement type = view.get("type");
    if (type == null || !type.isJsonPrimitive() || !"home".equals(type.getAsString())) {
      throw problem(variable, file, "must have \"type\": \"home\"");
    }
    JsonElement blocks = view.get("blocks");
    if (blocks == null || !blocks.isJsonArray()) {
      throw problem(variable, file, "must have a \"blocks\" list");
    }
    JsonArray list = blocks.getAsJsonArray();
    if (list.size() > HomeView.MAX_BLOCKS) {
      throw problem(variable, file, "has " + list.size() + " blocks; Slack allows at most " + HomeView.MAX_BLOCKS);
    }
    for (int i = 0; i < list.size(); i++) {
      JsonElement block = list.get(i);
      if (!block.isJsonObject() || !block.getAsJsonObject().has("type")) {
        throw problem(variable, file, "block " + (i + 1) + " has no \"type\"");
      }
    }
    try {
      return GsonFactory.createSnakeCase().fromJson(view, View.class);
    } catch (JsonParseException e) {
      throw problem(variable, file, "is not a Block Kit view the Slack SDK understands");
    }
  }

  private static ConfigException problem(String variable, Path file, String what) {
    return new ConfigException(variable + ": " + file + " " + what);
  }
}
