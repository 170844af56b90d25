package dev.flagstaff.demo;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A local GitOps loop: keeps the FeatureFlags in the embedded API server equal to the files in a folder.
 * A new or changed file is applied; a removed file's flags are deleted (pruned, as Argo CD and Flux do).
 * Each change is printed as it lands: what the operator wrote and what the endpoint now decides.
 */
final class WatchLoop {
  private static final Duration POLL = Duration.ofMillis(300);

  private final EmbeddedFlagstaff flagstaff;
  private final Path dir;
  private final PrintStream out;
  private final Map<Path, String> digests = new HashMap<>();
  private final Map<Path, Set<String>> flagsByFile = new HashMap<>();

  WatchLoop(EmbeddedFlagstaff flagstaff, Path dir, PrintStream out) {
    this.flagstaff = flagstaff;
    this.dir = dir;
    this.out = out;
  }

  void run() throws InterruptedException {
    out.printf("Watching %s for FeatureFlag files (*.yaml, *.yml). Edit, add or remove files; Ctrl-C to stop.%n",
        dir.toAbsolutePath());
    while (!Thread.currentThread().isInterrupted()) {
      syncOnce();
      Thread.sleep(POLL.toMillis());
    }
  }

  /** One pass: applies what changed, prunes what was removed. */
  void syncOnce() {
    Set<Path> present = new HashSet<>();
    for (Path file : yamlFiles()) {
      present.add(file);
      String digest = digest(file);
      if (digest == null || digest.equals(digests.get(file))) {
        continue;
      }
      digests.put(file, digest);
      apply(file);
    }
    for (Path gone : Set.copyOf(flagsByFile.keySet())) {
      if (!present.contains(gone)) {
        digests.remove(gone);
        for (String name : flagsByFile.remove(gone)) {
          flagstaff.delete(name);
          out.printf("[%s] pruned %s (its file was removed)%n", gone.getFileName(), name);
        }
      }
    }
  }

  private void apply(Path file) {
    String label = dir.relativize(file).toString();
    try {
      List<FeatureFlag> applied = Manifests.apply(flagstaff.client(), flagstaff.namespace(), file);
      Set<String> names = applied.stream().map(f -> f.getMetadata().getName()).collect(Collectors.toSet());
      Set<String> before = flagsByFile.getOrDefault(file, Set.of());
      for (String dropped : before) {
        if (!names.contains(dropped)) {
          flagstaff.delete(dropped);
          out.printf("[%s] pruned %s (no longer in the file)%n", label, dropped);
        }
      }
      flagsByFile.put(file, names);
      if (applied.isEmpty()) {
        out.printf("[%s] no FeatureFlag in this file%n", label);
      }
      for (FeatureFlag flag : applied) {
        FeatureFlag reconciled = flagstaff.awaitReconciled(flag.getMetadata().getName(), Duration.ofSeconds(10));
        String key = reconciled.flagKey();
        String entry = flagstaff.configMapEntry(key);
        out.printf("[%s] %s → %s | ConfigMap %s = %s%n", label, flag.getMetadata().getName(),
            SeedRollout.describe(reconciled), key, entry == null ? "(absent)" : entry);
        reconciled.getStatus().getConditions().stream()
            .filter(c -> "Stalled".equals(c.getType()) && "True".equals(c.getStatus()))
            .forEach(c -> out.printf("[%s]   Stalled: %s: %s%n", label, c.getReason(), c.getMessage()));
      }
    } catch (IOException | RuntimeException e) {
      out.printf("[%s] not applied: %s%n", label, e.getMessage());
    }
  }

  private List<Path> yamlFiles() {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      out.printf("cannot list %s: %s%n", dir, e.getMessage());
      return List.of();
    }
  }

  private static String digest(Path file) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      StringBuilder hex = new StringBuilder();
      for (byte b : hash) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (IOException e) {
      return null; // being written or removed right now; the next pass sees it
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
