package dev.flagstaff.operator.rollout;

import dev.flagstaff.api.v1alpha1.Analysis;
import java.util.concurrent.CompletableFuture;

/** Runs a rollout's checks without holding the caller: the answer completes later, on the analyst's own threads. */
@FunctionalInterface
public interface Analyst {
  /** Never completes exceptionally: a failure to ask is an {@link AnalysisResult.Outcome#UNAVAILABLE} result. */
  CompletableFuture<AnalysisResult> run(Analysis analysis);
}
