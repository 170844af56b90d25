package dev.flagstaff.api.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns a CRD's {@code openAPIV3Schema} into the JSON Schema (draft 4) that the API server effectively
 * enforces on a {@code kubectl apply}:
 * <ul>
 *   <li>{@code x-kubernetes-*} keywords are dropped (the CEL rules are evaluated separately);</li>
 *   <li>{@code nullable: true} admits {@code null};</li>
 *   <li>an object that lists its properties rejects any other field, as kubectl's strict field validation
 *       (the default since Kubernetes 1.27) does, unless it says {@code x-kubernetes-preserve-unknown-fields};</li>
 *   <li>a map ({@code additionalProperties}) keeps its value schema;</li>
 *   <li>the root admits {@code apiVersion}, {@code kind} and {@code metadata}, with the API server's check of
 *       {@code metadata.name} (an RFC 1123 subdomain).</li>
 * </ul>
 */
final class StructuralSchemas {
  static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private StructuralSchemas() {}

  static ObjectNode toJsonSchema(JsonNode openApiV3Schema) {
    ObjectNode root = convert(openApiV3Schema);
    ObjectNode properties = root.withObjectProperty("properties");
    properties.set("apiVersion", JSON.objectNode().put("type", "string"));
    properties.set("kind", JSON.objectNode().put("type", "string"));
    ObjectNode name = JSON.objectNode().put("type", "string").put("maxLength", 253).put("pattern", DNS_SUBDOMAIN);
    ObjectNode metadata = JSON.objectNode().put("type", "object");
    metadata.putObject("properties").set("name", name);
    properties.set("metadata", metadata);
    root.put("$schema", "http://json-schema.org/draft-04/schema#");
    return root;
  }

  private static ObjectNode convert(JsonNode schema) {
    ObjectNode out = JSON.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String keyword = field.getKey();
      JsonNode value = field.getValue();
      switch (keyword) {
        case "properties" -> {
          ObjectNode converted = out.putObject("properties");
          value.fields().forEachRemaining(p -> converted.set(p.getKey(), convert(p.getValue())));
        }
        case "items", "additionalProperties" -> out.set(keyword, value.isObject() ? convert(value) : value);
        case "nullable", "description", "default" -> { }
        default -> {
          if (!keyword.startsWith("x-kubernetes-")) {
            out.set(keyword, value);
          }
        }
      }
    }
    if (schema.path("nullable").asBoolean(false) && schema.has("type")) {
      out.set("type", JSON.arrayNode().add(schema.get("type").asText()).add("null"));
    }
    boolean preservesUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (schema.has("properties") && !schema.has("additionalProperties") && !preservesUnknown) {
      out.put("additionalProperties", false);
    }
    return out;
  }
}
