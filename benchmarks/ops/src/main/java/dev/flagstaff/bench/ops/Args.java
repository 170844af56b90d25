package dev.flagstaff.bench.ops;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} pairs, with defaults. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
      }
      values.put(args[i].substring(2), args[++i]);
    }
  }

  String string(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  int integer(String name, int defaultValue) {
    return values.containsKey(name) ? Integer.parseInt(values.get(name)) : defaultValue;
  }

  Path path(String name, String defaultValue) {
    return Path.of(string(name, defaultValue));
  }

  List<String> list(String name, String defaultValue) {
    String v = string(name, defaultValue);
    return v.isBlank() ? List.of() : List.of(v.split(","));
  }
}
