package dev.flagstaff.operator.configmap;

import dev.flagstaff.flags.FlagCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** A ConfigMap's size as the API server counts it against the 1 MiB limit: every key plus every value, in bytes. */
final class ConfigMapSize {
  static final long LIMIT = FlagCodec.CONFIGMAP_LIMIT_BYTES;

  private ConfigMapSize() {}

  static long of(ConfigMap configMap) {
    long total = 0;
    Map<String, String> data = configMap.getData();
    if (data != null) {
      for (Map.Entry<String, String> e : data.entrySet()) {
        total += entry(e.getKey(), e.getValue());
      }
    }
    Map<String, String> binary = configMap.getBinaryData();
    if (binary != null) {
      for (Map.Entry<String, String> e : binary.entrySet()) {
        total += bytes(e.getKey()) + decodedLength(e.getValue());
      }
    }
    return total;
  }

  /** The bytes {@code key} takes in {@code configMap}'s data now (0 when absent). */
  static long entry(ConfigMap configMap, String key) {
    Map<String, String> data = configMap.getData();
    return data == null || !data.containsKey(key) ? 0 : entry(key, data.get(key));
  }

  static long entry(String key, String value) {
    return bytes(key) + bytes(value);
  }

  private static long bytes(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static long decodedLength(String base64) {
    if (base64 == null) {
      return 0;
    }
    try {
      return Base64.getDecoder().decode(base64).length;
    } catch (IllegalArgumentException e) {
      return base64.length();
    }
  }
}
