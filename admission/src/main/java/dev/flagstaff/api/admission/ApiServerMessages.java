package dev.flagstaff.api.admission;

import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;
import dev.flagstaff.api.admission.CrdAdmission.Kind;
import dev.flagstaff.api.admission.CrdAdmission.Violation;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSON Schema error in the words the Kubernetes API server uses for the same OpenAPI keyword, e.g.
 * {@code spec.environments.production.percentage: Invalid value: 150: spec.environments.production.percentage
 * in body should be less than or equal to 100}.
 */
final class ApiServerMessages {
  private static final String RFC_1123_SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case "
      + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
      + "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

  private ApiServerMessages() {}

  static Violation of(Error error) {
    String at = field(error.getInstanceLocation());
    JsonNode value = error.getInstanceNode();
    JsonNode limit = error.getSchemaNode();
    String shown = value == null ? "null" : value.toString();
    String keyword = error.getKeyword() == null ? "" : error.getKeyword();
    return switch (keyword) {
      case "required" -> violation(join(at, error.getProperty()), "Required value");
      case "additionalProperties" -> violation("", "unknown field \"" + join(at, error.getProperty()) + "\"");
      case "type" -> violation(at, "Invalid value: \"" + jsonType(value) + "\": " + at + " in body must be of type "
          + limit.asText() + ": \"" + jsonType(value) + "\"");
      case "enum" -> violation(at, "Unsupported value: " + shown + ": supported values: " + enumValues(limit));
      case "pattern" -> at.equals("metadata.name")
          ? violation(at, "Invalid value: " + shown + ": " + RFC_1123_SUBDOMAIN)
          : violation(at, "Invalid value: " + shown + ": " + at + " in body should match '"
          + limit.asText() + "'");
      case "maximum" -> violation(at, "Invalid value: " + shown + ": " + at
          + " in body should be less than or equal to " + number(limit));
      case "minimum" -> violation(at, "Invalid value: " + shown + ": " + at
          + " in body should be greater than or equal to " + number(limit));
      case "maxLength" -> violation(at, "Too long: may not be more than " + limit.asInt() + " bytes");
      case "minLength" -> violation(at, "Invalid value: " + shown + ": " + at + " in body should be at least "
          + limit.asInt() + " chars long");
      case "maxItems" -> violation(at, "Too many: " + value.size() + ": must have at most " + limit.asInt() + " items");
      case "maxProperties" -> violation(at, "Too many: " + value.size() + ": must have at most " + limit.asInt()
          + " items");
      default -> violation(at, error.getMessage());
    };
  }

  private static Violation violation(String field, String message) {
    return new Violation(Kind.SCHEMA, field, message);
  }

  /** spec.environments.production.actors[0]: the path as the API server prints it. */
  private static String field(NodePath location) {
    StringBuilder field = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        field.append('[').append(index).append(']');
      } else {
        if (field.length() > 0) {
          field.append('.');
        }
        field.append(element);
      }
    }
    return field.toString();
  }

  private static String join(String at, String property) {
    return at.isEmpty() ? property : at + "." + property;
  }

  private static String jsonType(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    if (value.isObject()) {
      return "object";
    }
    if (value.isArray()) {
      return "array";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    return value.isNumber() ? "number" : "string";
  }

  private static String number(JsonNode limit) {
    return limit.isNumber() && limit.doubleValue() == Math.rint(limit.doubleValue())
        ? Long.toString(limit.longValue())
        : limit.asText();
  }

  private static String enumValues(JsonNode values) {
    List<String> shown = new ArrayList<>();
    values.forEach(v -> shown.add(v.toString()));
    return String.join(", ", shown);
  }
}
