package dev.flagstaff.operator.rollout;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The rollouts' analysis runs in flight and their results, kept as data for the next reconcile: at most one run per
 * key (a flag in an environment). A reconcile that finds an analysis due starts its run and returns; the run's
 * answer wakes the key, and that reconcile feeds the result to {@link RolloutEngine}. A result stays until another
 * run replaces it, so a reconcile retried (after a conflicting status write) finds it again.
 *
 * @param <K> what names a flag in an environment
 */
public final class AnalysisRuns<K> {
  private final Analyst analyst;
  private final Consumer<K> wake;
  private final Map<K, Run> runs = new ConcurrentHashMap<>();

  private record Run(String id, CompletableFuture<AnalysisResult> answer) {}

  /** @param wake called with the key once its run has answered, to reconcile the flag again */
  public AnalysisRuns(Analyst analyst, Consumer<K> wake) {
    this.analyst = analyst;
    this.wake = wake;
  }

  /** The result of the key's last run, once it has answered; null while it runs or when none was started. */
  public AnalysisRun.Result finished(K key) {
    Run run = runs.get(key);
    return run == null || !run.answer().isDone() ? null : new AnalysisRun.Result(run.id(), run.answer().join());
  }

  /**
   * Starts {@code run} for the key unless that same run is already in flight or answered; a run for other progress
   * (an older interval, a changed plan) is dropped. Returns at once.
   */
  public void start(K key, AnalysisRun run) {
    Run fresh = new Run(run.id(), new CompletableFuture<>());
    Run current = runs.compute(key, (k, old) -> old != null && old.id().equals(run.id()) ? old : fresh);
    if (current != fresh) {
      return;
    }
    CompletableFuture<AnalysisResult> asked;
    try {
      asked = analyst.run(run.analysis());
    } catch (RuntimeException e) {
      asked = CompletableFuture.failedFuture(e);
    }
    asked
        .exceptionally(e -> AnalysisResult.unavailable("the analysis failed: " + e))
        .thenAccept(result -> {
          fresh.answer().complete(result);
          if (runs.get(key) == fresh) {
            wake.accept(key);
          }
        });
  }

  /** Drops the key's run and result (the flag is gone). */
  public void forget(K key) {
    runs.remove(key);
  }
}
