package dev.flagstaff.api.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.StructType;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code x-kubernetes-validations} rules of a CRD schema, type-checked as the API server checks them
 * ({@code self} typed from the schema: an object as a struct of its properties, a map as a map, {@code number}
 * as double, {@code integer} as int; standard macros and the strings extension) and evaluated at every node of
 * an object that carries rules, with {@code self} bound to that node (objects handed over as maps).
 */
public final class CelValidations {
  /** One rule where the schema declares it. */
  public record RuleSite(String schemaPath, JsonNode schema, String rule, String message) {}

  /** A rule that failed (or could not be evaluated) at one field of an object. */
  record Failure(String field, String message) {}

  private record Compiled(RuleSite site, CelRuntime.Program program) {}

  private static final CelOptions OPTIONS = CelOptions.current()
      .enableHeterogeneousNumericComparisons(true)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
      .setOptions(OPTIONS)
      .addLibraries(CelExtensions.strings())
      .build();

  private final JsonNode rootSchema;
  private final Map<JsonNode, List<Compiled>> rulesByNode = new java.util.IdentityHashMap<>();
  private final List<RuleSite> sites = new ArrayList<>();

  private CelValidations(JsonNode rootSchema) {
    this.rootSchema = rootSchema;
  }

  /**
   * @throws IllegalArgumentException listing every rule that does not compile (the API server would refuse
   *     the CRD)
   */
  static CelValidations compile(JsonNode crdSchema) {
    JsonNode openApiV3Schema = withRootMetadata(crdSchema);
    CelValidations validations = new CelValidations(openApiV3Schema);
    List<String> problems = new ArrayList<>();
    forEachSchemaNode(openApiV3Schema, "", (path, schema) -> {
      for (JsonNode rule : schema.path("x-kubernetes-validations")) {
        RuleSite site = new RuleSite(path, schema, rule.path("rule").asText(), rule.path("message").asText(null));
        validations.sites.add(site);
        try {
          SchemaTypes types = new SchemaTypes();
          compile(site.rule(), types.declare(schema, path), types);
          validations.rulesByNode.computeIfAbsent(schema, s -> new ArrayList<>())
              .add(new Compiled(site, RUNTIME.createProgram(compile(site.rule(), celType(schema), null))));
        } catch (IllegalArgumentException | CelEvaluationException e) {
          problems.add(path + ": " + site.rule() + ": " + e.getMessage());
        }
      }
    });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("CEL rules that do not compile:\n" + String.join("\n", problems));
    }
    return validations;
  }

  /**
   * Rules at the root of a custom resource see {@code self.metadata.name} and {@code self.metadata.generateName}
   * (and nothing else of metadata), as on the API server.
   */
  private static JsonNode withRootMetadata(JsonNode schema) {
    com.fasterxml.jackson.databind.node.ObjectNode root = schema.deepCopy();
    com.fasterxml.jackson.databind.node.ObjectNode properties = root.with("properties");
    com.fasterxml.jackson.databind.node.ObjectNode metadata = properties.putObject("metadata");
    metadata.put("type", "object");
    metadata.with("properties").putObject("name").put("type", "string").put("maxLength", 253);
    metadata.with("properties").putObject("generateName").put("type", "string").put("maxLength", 253);
    return root;
  }

  List<RuleSite> sites() {
    return List.copyOf(sites);
  }

  /** Evaluates every rule at every node of {@code object} it applies to; transition rules (oldSelf) are skipped, as on create. */
  List<Failure> evaluate(JsonNode object) {
    List<Failure> failures = new ArrayList<>();
    walk(rootSchema, object, "", failures);
    return failures;
  }

  private void walk(JsonNode schema, JsonNode value, String field, List<Failure> failures) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    for (Compiled compiled : rulesByNode.getOrDefault(schema, List.of())) {
      if (compiled.site().rule().contains("oldSelf")) {
        continue;
      }
      // As kube-apiserver 1.37 prints a rule's failure: a scalar's value (a string quoted), nothing for an object
      // or a list (older servers printed its type, "object").
      String shown = "Invalid value: " + (value.isTextual() ? "\"" + value.asText() + "\": "
          : value.isValueNode() ? value.asText() + ": " : "");
      String at = field.isEmpty() ? "<nil>" : field;
      try {
        Object result = compiled.program().eval(Map.of("self", toCel(schema, value)));
        if (!Boolean.TRUE.equals(result)) {
          String message = compiled.site().message() != null
              ? compiled.site().message()
              : "failed rule: " + compiled.site().rule();
          failures.add(new Failure(at, shown + message));
        }
      } catch (CelEvaluationException e) {
        failures.add(new Failure(at, shown + e.getMessage() + " evaluating rule: " + compiled.site().rule()));
      }
    }
    JsonNode properties = schema.path("properties");
    properties.fields().forEachRemaining(p ->
        walk(p.getValue(), value.get(p.getKey()), field.isEmpty() ? p.getKey() : field + "." + p.getKey(), failures));
    JsonNode additional = schema.path("additionalProperties");
    if (additional.isObject() && value.isObject()) {
      value.fields().forEachRemaining(e -> walk(additional, e.getValue(), field + "[" + e.getKey() + "]", failures));
    }
    JsonNode items = schema.path("items");
    if (items.isObject() && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        walk(items, value.get(i), field + "[" + i + "]", failures);
      }
    }
  }

  /**
   * Compiles a rule with {@code self} of {@code selfType}. With {@code types}, objects are declared as the API
   * server declares them (a struct per object schema, so an unknown field or a type mismatch does not compile);
   * without, as maps, which is what the values handed to the runtime are.
   */
  private static CelAbstractSyntaxTree compile(String rule, CelType selfType, CelTypeProvider types) {
    dev.cel.compiler.CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder();
    if (types != null) {
      builder.setTypeProvider(types);
    }
    CelCompiler compiler = builder
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addLibraries(CelExtensions.strings())
        .addVar("self", selfType)
        .addVar("oldSelf", selfType)
        .setResultType(SimpleType.BOOL)
        .build();
    CelValidationResult result = compiler.compile(rule);
    if (result.hasError()) {
      throw new IllegalArgumentException(result.getErrorString());
    }
    try {
      return result.getAst();
    } catch (dev.cel.common.CelValidationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The API server's declarations: an object with properties is a struct type of its own. */
  private static final class SchemaTypes implements CelTypeProvider {
    private final Map<String, CelType> types = new LinkedHashMap<>();

    CelType declare(JsonNode schema, String path) {
      switch (schema.path("type").asText("")) {
        case "array":
          return ListType.create(schema.path("items").isObject() ? declare(schema.get("items"), path + ".@items") : SimpleType.DYN);
        case "object":
          JsonNode additional = schema.path("additionalProperties");
          if (additional.isObject()) {
            return MapType.create(SimpleType.STRING, declare(additional, path + ".@values"));
          }
          if (!schema.has("properties")) {
            return MapType.create(SimpleType.STRING, SimpleType.DYN);
          }
          String name = "object" + (path.isEmpty() ? "" : "." + path.replace("[*]", ".@values"));
          Map<String, CelType> fields = new LinkedHashMap<>();
          schema.get("properties").fields().forEachRemaining(p ->
              fields.put(p.getKey(), declare(p.getValue(), path + "." + p.getKey())));
          StructType struct = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
              field -> java.util.Optional.ofNullable(fields.get(field)));
          types.put(name, struct);
          return struct;
        default:
          return celType(schema);
      }
    }

    @Override
    public ImmutableCollection<CelType> types() {
      return ImmutableList.copyOf(types.values());
    }

    @Override
    public java.util.Optional<CelType> findType(String typeName) {
      return java.util.Optional.ofNullable(types.get(typeName));
    }
  }

  /** The CEL type the API server declares for a node of this schema. */
  static CelType celType(JsonNode schema) {
    switch (schema.path("type").asText("")) {
      case "string": return SimpleType.STRING;
      case "boolean": return SimpleType.BOOL;
      case "number": return SimpleType.DOUBLE;
      case "integer": return SimpleType.INT;
      case "array":
        return ListType.create(schema.path("items").isObject() ? celType(schema.get("items")) : SimpleType.DYN);
      case "object":
        JsonNode additional = schema.path("additionalProperties");
        return MapType.create(SimpleType.STRING, additional.isObject() ? celType(additional) : SimpleType.DYN);
      default: return SimpleType.DYN;
    }
  }

  /** The value CEL sees for {@code node} under {@code schema}: unknown fields pruned, numbers typed by the schema. */
  static Object toCel(JsonNode schema, JsonNode node) {
    if (node.isObject()) {
      JsonNode additional = schema.path("additionalProperties");
      JsonNode properties = schema.path("properties");
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> {
        JsonNode fieldSchema = additional.isObject() ? additional : properties.path(e.getKey());
        boolean known = additional.isObject() || properties.has(e.getKey()) || properties.isMissingNode();
        if (known && !e.getValue().isNull()) {
          map.put(e.getKey(), toCel(fieldSchema, e.getValue()));
        }
      });
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(element -> list.add(toCel(schema.path("items"), element)));
      return list;
    }
    if (node.isNumber()) {
      String type = schema.path("type").asText("");
      if (type.equals("number")) {
        return node.doubleValue();
      }
      return node.isIntegralNumber() ? (Object) node.longValue() : (Object) node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  static void forEachSchemaNode(JsonNode schema, String path, java.util.function.BiConsumer<String, JsonNode> visitor) {
    visitor.accept(path, schema);
    schema.path("properties").fields().forEachRemaining(p ->
        forEachSchemaNode(p.getValue(), path.isEmpty() ? p.getKey() : path + "." + p.getKey(), visitor));
    if (schema.path("additionalProperties").isObject()) {
      forEachSchemaNode(schema.get("additionalProperties"), path + "[*]", visitor);
    }
    if (schema.path("items").isObject()) {
      forEachSchemaNode(schema.get("items"), path + "[*]", visitor);
    }
  }
}
