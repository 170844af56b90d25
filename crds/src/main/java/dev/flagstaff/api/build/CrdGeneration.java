package dev.flagstaff.api.build;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Build step (exec-maven-plugin, process-classes): generates the FeatureFlag CRD from the Java types, adds
 * what annotations cannot say in order (printer columns, category), writes it to the build output and
 * compares it with the copy committed at {@code crds/}. A difference fails the build unless asked to update.
 *
 * <p>Arguments: output directory, committed file, update flag ({@code true} rewrites the committed file).
 */
public final class CrdGeneration {
  static final String FILE_NAME = "featureflags.flagstaff.dev-v1.yml";

  private CrdGeneration() {}

  public static void main(String[] args) throws IOException {
    Path outputDir = Path.of(args[0]);
    Path committed = Path.of(args[1]);
    boolean update = args.length > 2 && Boolean.parseBoolean(args[2]);

    String yaml = generate();
    Files.createDirectories(outputDir);
    Files.writeString(outputDir.resolve(FILE_NAME), yaml);

    String current = Files.exists(committed) ? Files.readString(committed) : "";
    if (current.equals(yaml)) {
      return;
    }
    if (update) {
      Files.writeString(committed, yaml);
      System.out.println("[flagstaff] updated " + committed);
      return;
    }
    System.err.println("[flagstaff] " + committed + " differs from the CRD generated from the Java types ("
        + outputDir.resolve(FILE_NAME) + ").");
    System.err.println("[flagstaff] Review the change and run: mvn -pl crds process-classes -Dflagstaff.crd.update=true");
    System.exit(1);
  }

  static String generate() {
    ByteArrayOutputStream generated = new ByteArrayOutputStream();
    new CRDGenerator()
        .withOutput(new CRDGenerator.CRDOutput<ByteArrayOutputStream>() {
          @Override
          public ByteArrayOutputStream outputFor(String crdName) {
            return generated;
          }

          @Override
          public void close() {}
        })
        .forCRDVersions("v1")
        .customResourceClasses(FeatureFlag.class)
        .generate();
    CustomResourceDefinition crd = Serialization.unmarshal(
        generated.toString(StandardCharsets.UTF_8), CustomResourceDefinition.class);
    decorate(crd);
    return "# Generated from the Java types in crds/src/main/java by the build; do not edit by hand.\n"
        + "# Install with: kubectl apply -f crds/\n"
        + Serialization.asYaml(crd).substring("---\n".length());
  }

  private static void decorate(CustomResourceDefinition crd) {
    crd.getSpec().getNames().setCategories(List.of("flagstaff"));
    crd.getSpec().getVersions().forEach(version -> version.setAdditionalPrinterColumns(List.of(
        column("Key", ".status.key", "string", 0, "The flag key the code asks about."),
        column("Environment", ".status.environment", "string", 0, "The environment this status was resolved for."),
        column("State", ".status.state", "string", 0, "The resolved state in this environment."),
        column("Ready", ".status.conditions[?(@.type==\"Ready\")].status", "string", 0,
            "Whether the state is in the ConfigMap."),
        column("Reason", ".status.conditions[?(@.type==\"Ready\")].reason", "string", 1,
            "Why the flag is or is not ready."),
        column("Phase", ".status.rollout.phase", "string", 0,
            "The rollout's phase: Progressing, Paused, Completed, RolledBack or Failed."),
        column("Effective", ".status.rollout.effectivePercentage", "number", 0,
            "The percentage the rollout has put in effect."),
        column("Propagated", ".status.propagation", "string", 0,
            "Consumers (endpoint pods) serving the current value, of those alive."),
        column("Age", ".metadata.creationTimestamp", "date", 0, null))));
  }

  private static CustomResourceColumnDefinition column(String name, String jsonPath, String type, int priority,
      String description) {
    return new CustomResourceColumnDefinitionBuilder()
        .withName(name)
        .withJsonPath(jsonPath)
        .withType(type)
        .withPriority(priority == 0 ? null : priority)
        .withDescription(description)
        .build();
  }
}
