package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Reads {@code spec} so that a resource this version cannot read (a schema-less or older CRD admitted
 * {@code percentage: "abc"}, {@code spec: "hello"}, environments as a list, an unknown enum value) does not fail the
 * whole list or watch it came in: the FeatureFlag is read with a spec marked {@link FeatureFlagSpec#unreadable()},
 * and validation refuses it with the reason, while every other flag is served.
 */
final class ReadableSpec extends JsonDeserializer<FeatureFlagSpec> {
  private static final int MAX_REASON = 300;

  @Override
  public FeatureFlagSpec deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    JsonNode node = parser.readValueAsTree();
    try {
      return parser.getCodec().treeToValue(node, FeatureFlagSpec.class);
    } catch (JsonMappingException e) {
      StringBuilder path = new StringBuilder("spec");
      for (JsonMappingException.Reference ref : e.getPath()) {
        path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
      }
      String reason = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
      reason = reason.lines().findFirst().orElse("");
      String words = path + ": " + reason;
      return FeatureFlagSpec.unreadable(words.length() > MAX_REASON ? words.substring(0, MAX_REASON - 1) + "…" : words);
    } catch (RuntimeException e) {
      return FeatureFlagSpec.unreadable("spec: " + e.getClass().getSimpleName());
    }
  }
}
