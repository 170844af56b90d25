package dev.flagstaff.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The objects a rendered chart would create, typed as Fabric8 model classes. */
final class Manifests {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final String text;
  private final List<HasMetadata> objects;

  private Manifests(String text, List<HasMetadata> objects) {
    this.text = text;
    this.objects = List.copyOf(objects);
  }

  static Manifests parse(String rendered) {
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(rendered)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document == null || document.isNull() || document.isEmpty()) {
          continue;
        }
        objects.add(SERIALIZATION.convertValue(document, HasMetadata.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Manifests(rendered, objects);
  }

  /** The rendered YAML, as kubectl apply would receive it. */
  String text() {
    return text;
  }

  List<HasMetadata> all() {
    return objects;
  }

  <T extends HasMetadata> List<T> ofType(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name).orElseThrow(() -> new AssertionError(
        "no " + type.getSimpleName() + " named " + name + " among " + names()));
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return ofType(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
  }

  Stream<Container> containers() {
    return ofType(Deployment.class).stream().flatMap(d -> {
      var spec = d.getSpec().getTemplate().getSpec();
      return Stream.concat(spec.getContainers().stream(),
          spec.getInitContainers() == null ? Stream.empty() : spec.getInitContainers().stream());
    });
  }

  List<String> names() {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }
}
