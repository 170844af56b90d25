package dev.flagstaff.kube;

import static dev.flagstaff.testkit.FeatureFlags.flag;
import static dev.flagstaff.testkit.FeatureFlags.off;
import static dev.flagstaff.testkit.FeatureFlags.on;
import static dev.flagstaff.testkit.FeatureFlags.percent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.flags.Strategy;
import dev.flagstaff.operator.FlagstaffOperator;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.testkit.kube.RealApiServer;
import dev.flagstaff.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's behaviours that were proven on the mock, now judged by a real API server (schema, CEL, merge
 * patch semantics, resourceVersions, server-side apply by the test as a user's kubectl): each test has a
 * namespace and an operator of its own.
 */
@RealKubernetes
class OperatorOnRealServerIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private FlagstaffOperator operator;
  private Flags flags;
  private String namespace;

  @BeforeEach
  void start(RealApiServer server) {
    namespace = server.freshNamespace("operator");
    flags = new Flags(server.client(), namespace);
    operator = operator(server);
    operator.start();
  }

  private FlagstaffOperator operator(RealApiServer server) {
    return operator(server.newClient());
  }

  private FlagstaffOperator operator(KubernetesClient client) {
    return new FlagstaffOperator(new Config(Map.of(
        "FLAGSTAFF_ENVIRONMENT", "production",
        "FLAGSTAFF_NAMESPACES", namespace,
        "FLAGSTAFF_MANAGEMENT_PORT", "0")), client);
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  /**
   * The field manager would list every key the operator wrote in the ConfigMap's managedFields, sent back with each
   * write and watch event; the operator clears them, and the API server then adds none for its later writes.
   */
  @Test
  void theFlagsConfigMapCarriesNoManagedFieldsListingEveryKey(RealApiServer server) {
    for (int i = 0; i < 5; i++) {
      flags.apply(flag("listed-" + i, "listed_" + i, Map.of("production", on())));
    }
    await().atMost(WAIT).until(() -> flags.data().size() == 5);
    flags.apply(flag("listed-5", "listed_5", Map.of("production", on())));
    await().atMost(WAIT).until(() -> flags.data().size() == 6);

    io.fabric8.kubernetes.api.model.ConfigMap configMap = server.client().configMaps().inNamespace(namespace)
        .withName(Flags.CONFIGMAP).get();
    assertThat(configMap.getMetadata().getManagedFields()).as("managedFields of the flags ConfigMap").isNullOrEmpty();
  }

  /**
   * A ConfigMap write asks back for the ConfigMap's metadata only: the API server would otherwise answer each one
   * with the whole ConfigMap (up to 1 MiB at 10,000 flags), which the operator decrypts and parses for its
   * resourceVersion alone.
   */
  @Test
  void eachConfigMapWriteIsAnsweredWithItsMetadataNotTheWholeConfigMap(RealApiServer server) {
    operator.close();
    List<AtomicInteger> answers = new CopyOnWriteArrayList<>();
    try (KubernetesClient counting = new KubernetesClientBuilder()
        .withConfig(server.newClient().getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("answer-bytes", new Interceptor() {
          @Override
          public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer,
              HttpRequest request) {
            if (!request.method().equals("PATCH") || !request.uri().getPath().contains("/configmaps/")) {
              return consumer;
            }
            AtomicInteger bytes = new AtomicInteger();
            answers.add(bytes);
            return new AsyncBody.Consumer<>() {
              @Override
              public void consume(List<ByteBuffer> buffers, AsyncBody body) throws Exception {
                buffers.forEach(buffer -> bytes.addAndGet(buffer.remaining()));
                consumer.consume(buffers, body);
              }

              @Override
              public <U> U unwrap(Class<U> target) {
                return consumer.unwrap(target);
              }
            };
          }
        })).build()) {
      operator = operator(counting);
      operator.start();
      for (int i = 0; i < 100; i++) {
        flags.apply(flag("held-" + i, "held_flag_" + i, Map.of("production", on())));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> flags.data().size() == 100);
      flags.apply(flag("held-0", "held_flag_0", Map.of("production", off())));
      await().atMost(WAIT).until(() -> "{\"enabled\":false,\"generation\":2}".equals(flags.data().get("held_flag_0")));
      operator.close();
    }

    int configMapBytes = Serialization.asJson(server.client().configMaps().inNamespace(namespace)
        .withName(Flags.CONFIGMAP).get()).length();
    assertThat(configMapBytes).as("the ConfigMap's size").isGreaterThan(4_000);
    assertThat(answers).as("bytes of each ConfigMap write's answer (the ConfigMap holds %d)", configMapBytes)
        .isNotEmpty().allMatch(bytes -> bytes.get() > 0 && bytes.get() < 1_500);
  }

  @Test
  void createPercentageRollbackAndDeleteEachChangeOnlyTheirOwnKey() {
    flags.apply(flag("neighbour", "neighbour_flag", Map.of("production", on())));
    flags.apply(flag("app-home", "slack_events_app_home_opened",
        Map.of("staging", on(), "production", percent(25, Strategy.ACTORS))));
    await().atMost(WAIT).until(() -> flags.is("app-home", "Ready", "True"));
    assertThat(flags.data()).containsEntry("slack_events_app_home_opened",
        "{\"enabled\":true,\"percentage\":25,\"strategy\":\"actors\",\"generation\":1}");
    assertThat(flags.get("app-home").getStatus().getState()).isEqualTo("25% of actors");

    flags.apply(flag("app-home", "slack_events_app_home_opened", Map.of("staging", on(), "production", off())));
    await().atMost(WAIT).until(() -> "{\"enabled\":false,\"generation\":2}"
        .equals(flags.data().get("slack_events_app_home_opened")));
    await().atMost(WAIT).until(() -> "Disabled".equals(flags.get("app-home").getStatus().getState()));
    await().atMost(WAIT).untilAsserted(() -> assertThat(flags.events("app-home", "StateChanged"))
        .containsExactly("Normal StateChanged production: unset → 25% of actors",
            "Normal StateChanged production: 25% of actors → Disabled"));

    flags.delete("app-home");
    await().atMost(WAIT).until(() -> flags.get("app-home") == null);
    assertThat(flags.data()).doesNotContainKey("slack_events_app_home_opened")
        .containsEntry("neighbour_flag", "{\"enabled\":true,\"generation\":1}");
  }

  @Test
  void fiftyFlagsCreatedAtOnceGiveFiftyKeysAllReady() {
    IntStream.range(0, 50).parallel()
        .forEach(i -> flags.apply(flag("burst-" + i, "burst_" + i, Map.of("production", on()))));

    await().atMost(Duration.ofSeconds(60)).until(() -> flags.data().size() == 50);
    await().atMost(Duration.ofSeconds(60)).until(() -> IntStream.range(0, 50)
        .allMatch(i -> flags.is("burst-" + i, "Ready", "True")));
    assertThat(flags.data().values()).allMatch(v -> v.startsWith("{\"enabled\":true"));
  }

  /**
   * A burst: 200 flags waiting when the operator starts are all reconciled at once. Their keys share ConfigMap
   * writes (one goes out, the others queue and go together in the next), so the burst costs far fewer ConfigMap
   * writes than flags, and every flag is still Ready with its own value and nothing else's.
   */
  @Test
  void aBurstOfFlagsIsWrittenInFarFewerConfigMapWritesThanFlags(RealApiServer server) {
    int n = 200;
    operator.close();
    IntStream.range(0, n).parallel().forEach(i -> flags.apply(flag("wave-" + i, "wave_" + i,
        Map.of("production", i % 2 == 0 ? on() : off()))));
    operator = operator(server);
    operator.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> flags.data().size() == n);
    await().atMost(Duration.ofSeconds(60)).until(() -> IntStream.range(0, n)
        .allMatch(i -> flags.is("wave-" + i, "Ready", "True")));
    IntStream.range(0, n).forEach(i -> assertThat(flags.data().get("wave_" + i))
        .isEqualTo(i % 2 == 0 ? "{\"enabled\":true,\"generation\":1}" : "{\"enabled\":false,\"generation\":1}"));
    List<String> writes = server.auditLog()
        .filter(e -> e.namespace().equals(namespace) && e.resource().equals("/configmaps")
            && (e.verb().equals("patch") || e.verb().equals("create")))
        .entries().stream().map(e -> e.verb() + " " + e.code()).toList();
    assertThat(writes).as("ConfigMap writes for %d flags: %s", n, writes).hasSizeLessThanOrEqualTo(n / 10);
  }

  @Test
  void aSecondClaimOnAKeyIsRefusedAndTakesOverWhenTheFirstIsDeleted() {
    flags.apply(flag("first-claim", "shared_key", Map.of("production", on())));
    await().atMost(WAIT).until(() -> flags.is("first-claim", "Ready", "True"));
    flags.apply(flag("second-claim", "shared_key", Map.of("production", off())));

    await().atMost(WAIT).until(() -> flags.is("second-claim", "Stalled", "True"));
    assertThat(flags.condition("second-claim", "Stalled").get().getReason()).isEqualTo("KeyConflict");
    assertThat(flags.data()).containsEntry("shared_key", "{\"enabled\":true,\"generation\":1}");
    await().atMost(WAIT).until(() -> flags.events("second-claim", "KeyConflict").size() == 1);

    flags.delete("first-claim");
    await().atMost(WAIT).until(() -> "{\"enabled\":false,\"generation\":1}".equals(flags.data().get("shared_key")));
    await().atMost(WAIT).until(() -> flags.is("second-claim", "Ready", "True"));
  }

  /**
   * A resource stored while an older, looser CRD was installed (version skew, an upgrade) is not checked again by
   * the server: the operator refuses it with Stalled and exactly one Warning, and applies it once fixed.
   */
  @Test
  void aResourceTheServerAdmittedUnderAnOlderCrdIsStalledWithOneWarningUntilFixed(RealApiServer server) {
    CustomResourceDefinition strict = server.client().apiextensions().v1().customResourceDefinitions()
        .withName("featureflags.flagstaff.dev").get();
    try {
      server.client().apiextensions().v1().customResourceDefinitions().resource(withoutRules(strict))
          .forceConflicts().serverSideApply();
      FeatureFlag broken = flag("broken", "broken_flag", Map.of("production", percent(10, Strategy.ACTORS)));
      broken.getSpec().setActorType("none");
      await().atMost(WAIT).ignoreExceptions().until(() -> flags.apply(broken) != null);
    } finally {
      strict.getMetadata().setResourceVersion(null);
      strict.getMetadata().setManagedFields(null);
      server.client().apiextensions().v1().customResourceDefinitions().resource(strict)
          .forceConflicts().serverSideApply();
    }

    await().atMost(WAIT).until(() -> flags.is("broken", "Stalled", "True"));
    assertThat(flags.condition("broken", "Stalled").get().getReason()).isEqualTo("InvalidSpec");
    assertThat(flags.condition("broken", "Stalled").get().getMessage()).contains("actorType none");
    assertThat(flags.condition("broken", "Ready").get().getStatus()).isEqualTo("False");
    assertThat(flags.data()).doesNotContainKey("broken_flag");
    await().atMost(WAIT).until(() -> flags.events("broken", "InvalidSpec").size() == 1);

    FeatureFlag fixed = flag("broken", "broken_flag", Map.of("production", percent(10, Strategy.ACTORS)));
    flags.apply(fixed);
    await().atMost(WAIT).until(() -> "{\"enabled\":true,\"percentage\":10,\"strategy\":\"actors\",\"generation\":2}"
        .equals(flags.data().get("broken_flag")));
    await().atMost(WAIT).until(() -> flags.is("broken", "Stalled", "False"));
    assertThat(flags.events("broken", "InvalidSpec")).hasSize(1);
  }

  /** The CRD as an older release shipped it: the same schema without the CEL rules. */
  private static CustomResourceDefinition withoutRules(CustomResourceDefinition crd) {
    ObjectNode tree = Serialization.jsonMapper().valueToTree(crd);
    tree.withObject("/metadata").remove(List.of("resourceVersion", "managedFields", "uid", "creationTimestamp",
        "generation"));
    tree.remove("status");
    stripRules(tree.withObject("/spec"));
    return Serialization.jsonMapper().convertValue(tree, CustomResourceDefinition.class);
  }

  private static void stripRules(com.fasterxml.jackson.databind.JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove("x-kubernetes-validations");
      object.forEach(OperatorOnRealServerIT::stripRules);
    } else if (node.isArray()) {
      node.forEach(OperatorOnRealServerIT::stripRules);
    }
  }

}
