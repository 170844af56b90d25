package dev.flagstaff.api.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the API server would say to {@code kubectl apply} of a FeatureFlag, offline: the generated CRD's
 * defaults are applied, then its OpenAPI schema (with strict field validation) and its CEL rules are checked.
 * The Fabric8 mock server enforces neither, so tests use this to check manifests, and ChatOps checks a change
 * with it before anything is written. It knows nothing of the FeatureFlag types: it reads the CRD document.
 */
public final class CrdAdmission {
  /** Where the crds module's jar (and its build output) carries the CRD generated from the Java types. */
  public static final String FEATURE_FLAGS_CRD = "META-INF/fabric8/featureflags.flagstaff.dev-v1.yml";

  /** Why an object was refused. */
  public enum Kind {
    /** The OpenAPI schema refused a field. */
    SCHEMA,
    /** An x-kubernetes-validations rule failed. */
    RULE,
    /** The API server's note that rules were skipped because a field has the wrong type. */
    RULES_NOT_CHECKED
  }

  /** One error, in the API server's words: {@code field: message}. */
  public record Violation(Kind kind, String field, String message) {
    @Override
    public String toString() {
      return field.isEmpty() ? message : field + ": " + message;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode crd;
  private final JsonNode openApiV3Schema;
  private final Schema schema;
  private final CelValidations rules;

  private CrdAdmission(JsonNode crd) {
    this.crd = crd;
    this.openApiV3Schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    if (openApiV3Schema.isMissingNode()) {
      throw new IllegalArgumentException("the CRD has no openAPIV3Schema");
    }
    String jsonSchema = StructuralSchemas.toJsonSchema(openApiV3Schema).toString();
    this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
        .getSchema(jsonSchema, InputFormat.JSON);
    this.rules = CelValidations.compile(openApiV3Schema);
  }

  /** The FeatureFlag CRD on the class path: the one the crds module generated from its types. */
  public static CrdAdmission featureFlags() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
        ? Thread.currentThread().getContextClassLoader() : CrdAdmission.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(FEATURE_FLAGS_CRD)) {
      if (in == null) {
        throw new IllegalStateException(FEATURE_FLAGS_CRD + " is not on the class path: add flagstaff-crds");
      }
      return of(new YAMLMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CRD " + FEATURE_FLAGS_CRD, e);
    }
  }

  public static CrdAdmission of(JsonNode crd) {
    return new CrdAdmission(crd);
  }

  /** The CRD's {@code openAPIV3Schema}. */
  public JsonNode openApiV3Schema() {
    return openApiV3Schema;
  }

  /** Every {@code x-kubernetes-validations} rule of the schema, where it is declared. */
  public List<CelValidations.RuleSite> rules() {
    return rules.sites();
  }

  /** The errors {@code kubectl apply} would print for this object; empty when it would be admitted. */
  public List<Violation> review(JsonNode manifest) {
    List<Violation> violations = new ArrayList<>();
    String group = crd.at("/spec/group").asText();
    String apiVersion = group + "/" + crd.at("/spec/versions/0/name").asText();
    String kind = crd.at("/spec/names/kind").asText();
    if (!apiVersion.equals(manifest.path("apiVersion").asText()) || !kind.equals(manifest.path("kind").asText())) {
      violations.add(new Violation(Kind.SCHEMA, "", "no matches for kind \"" + manifest.path("kind").asText()
          + "\" in version \"" + manifest.path("apiVersion").asText() + "\""));
      return violations;
    }
    JsonNode defaulted = withDefaults(manifest);
    boolean typeError = false;
    for (Error error : schema.validate(defaulted.toString(), InputFormat.JSON)) {
      Violation violation = ApiServerMessages.of(error);
      typeError |= "type".equals(error.getKeyword());
      violations.add(violation);
    }
    if (typeError) {
      violations.add(new Violation(Kind.RULES_NOT_CHECKED, "", "some validation rules were not checked because "
          + "the object was invalid; correct the existing errors to complete validation"));
      return violations;
    }
    for (CelValidations.Failure failure : rules.evaluate(defaulted)) {
      violations.add(new Violation(Kind.RULE, failure.field(), failure.message()));
    }
    return violations;
  }

  /** {@link #review} as the lines kubectl prints. */
  public List<String> errors(JsonNode manifest) {
    return review(manifest).stream().map(Violation::toString).toList();
  }

  /** The object as the API server stores it: every absent field that has a {@code default} gets it. */
  public JsonNode withDefaults(JsonNode manifest) {
    JsonNode copy = manifest.deepCopy();
    applyDefaults(openApiV3Schema, copy);
    return copy;
  }

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      schema.path("properties").fields().forEachRemaining(p -> {
        JsonNode fieldSchema = p.getValue();
        if (!object.has(p.getKey()) && fieldSchema.has("default")) {
          object.set(p.getKey(), fieldSchema.get("default").deepCopy());
        }
        if (object.has(p.getKey())) {
          applyDefaults(fieldSchema, object.get(p.getKey()));
        }
      });
      JsonNode additional = schema.path("additionalProperties");
      if (additional.isObject()) {
        object.forEach(entry -> applyDefaults(additional, entry));
      }
    } else if (value.isArray() && schema.path("items").isObject()) {
      value.forEach(element -> applyDefaults(schema.get("items"), element));
    }
  }

  /** Parses JSON text (a convenience for callers building schemas or objects by hand). */
  public static JsonNode readJson(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
