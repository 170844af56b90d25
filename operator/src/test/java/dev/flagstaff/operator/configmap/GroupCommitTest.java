package dev.flagstaff.operator.configmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.operator.configmap.ConfigMapKeyWriter.ConfigMapFullException;
import dev.flagstaff.operator.configmap.GroupCommit.Change;
import dev.flagstaff.operator.configmap.GroupCommit.Outcome;
import dev.flagstaff.testkit.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Key writes to one ConfigMap while another is in flight go out together in the next patch, on the mock API server:
 * each caller still gets the resourceVersion holding its own value, and its own refusal.
 */
class GroupCommitTest {
  private static final String NS = "flags";
  private static final String NAME = "feature-flags";
  private final KubernetesTestServer server = KubernetesTestServer.start(NS);
  private final KubernetesClient client = server.client();
  private final AtomicInteger apiWrites = new AtomicInteger();
  private final KeyBatchWriter writer = new KeyBatchWriter(client, NAME, this::read, apiWrites::incrementAndGet,
      new WrittenKeys());
  /** The batches written, in order; the first is held in flight until {@link #release} counts down. */
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final GroupCommit commits = new GroupCommit((namespace, changes) -> {
    batches.add(changes.stream().map(Change::key).toList());
    if (batches.size() == 1) {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return writer.write(namespace, changes);
  });

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void writesArrivingWhileOneIsInFlightGoOutInOnePatchEachWithItsOwnVersion() {
    CompletableFuture<Outcome> first = set("first");
    await().until(() -> batches.size() == 1);
    List<CompletableFuture<Outcome>> queued = List.of(set("b"), set("c"), remove("first"), set("d"));
    await().until(() -> commits.waiting(NS) == 4);
    assertThat(batches).hasSize(1); // nothing else went out meanwhile

    release.countDown();

    assertThat(first.join().version()).isNotNull();
    CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).join();
    assertThat(batches).hasSize(2).first().isEqualTo(List.of("first"));
    assertThat(batches.get(1)).containsExactlyInAnyOrder("b", "c", "first", "d");
    // the keys set share one merge patch; the removal is one JSON Patch after it (the mock keeps a merge patch's null)
    String version = queued.get(0).join().version();
    assertThat(List.of(queued.get(1), queued.get(3))).allSatisfy(f -> assertThat(f.join().version()).isEqualTo(version));
    Outcome removal = queued.get(2).join();
    assertThat(removal.changed()).isTrue();
    ConfigMap now = read(NS).orElseThrow();
    assertThat(now.getMetadata().getResourceVersion()).isEqualTo(removal.version());
    assertThat(now.getData()).containsOnlyKeys("b", "c", "d").containsEntry("b", "{\"enabled\":true}");
    assertThat(apiWrites).hasValue(3);
  }

  @Test
  void aSecondChangeOfAKeyInTheQueueWaitsForTheNextPatchSoTheLastValueWins() {
    CompletableFuture<Outcome> first = set("x");
    await().until(() -> batches.size() == 1);
    CompletableFuture<Outcome> on = set("k");
    await().until(() -> commits.waiting(NS) == 1);
    CompletableFuture<Outcome> off = async(new Change("k", "{\"enabled\":false}", new ResourceID("k", NS)));
    await().until(() -> commits.waiting(NS) == 2);

    release.countDown();

    CompletableFuture.allOf(first, on, off).join();
    assertThat(batches).containsExactly(List.of("x"), List.of("k"), List.of("k"));
    assertThat(read(NS).orElseThrow().getData()).containsEntry("k", "{\"enabled\":false}");
    assertThat(off.join().version()).isNotEqualTo(on.join().version());
  }

  @Test
  void aKeyWithoutRoomIsRefusedAloneAndTheRestOfItsBatchIsWritten() {
    int free = 100;
    String ballast = "x".repeat(FlagCodec.CONFIGMAP_LIMIT_BYTES - free - "ballast".length());
    client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(NAME).endMetadata().withData(Map.of("ballast", ballast)).build()).create();
    CompletableFuture<Outcome> first = set("a");
    await().until(() -> batches.size() == 1);
    CompletableFuture<Outcome> big = async(new Change("big", "y".repeat(free), new ResourceID("big", NS)));
    await().until(() -> commits.waiting(NS) == 1);
    CompletableFuture<Outcome> small = set("s");
    await().until(() -> commits.waiting(NS) == 2);

    release.countDown();

    assertThat(first.join().version()).isNotNull();
    assertThat(small.join().version()).isNotNull();
    assertThatThrownBy(big::join).hasCauseInstanceOf(ConfigMapFullException.class)
        .hasMessageContaining("'big'").hasMessageContaining("1 MiB");
    assertThat(batches).containsExactly(List.of("a"), List.of("big", "s"));
    ConfigMap now = read(NS).orElseThrow();
    assertThat(now.getData()).containsOnlyKeys("ballast", "a", "s");
    assertThat(ConfigMapSize.of(now)).isLessThanOrEqualTo(ConfigMapSize.LIMIT);
  }

  @Test
  void removingFromAConfigMapThatDoesNotExistIsDoneWithoutCreatingIt() {
    release.countDown();
    assertThat(remove("gone").join().changed()).isFalse();
    assertThat(read(NS)).isEmpty();
    assertThat(apiWrites).hasValue(0);
  }

  private CompletableFuture<Outcome> set(String key) {
    return async(new Change(key, "{\"enabled\":true}", new ResourceID(key, NS)));
  }

  private CompletableFuture<Outcome> remove(String key) {
    return async(new Change(key, null, null));
  }

  private CompletableFuture<Outcome> async(Change change) {
    return CompletableFuture.supplyAsync(() -> commits.commit(NS, change));
  }

  private Optional<ConfigMap> read(String namespace) {
    return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(NAME).get());
  }
}
