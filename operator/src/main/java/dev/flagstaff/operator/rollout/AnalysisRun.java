package dev.flagstaff.operator.rollout;

import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.RolloutStatus;

/**
 * One due run of a rollout's checks, named by what makes it due: the plan, the step and the last analysis before
 * it. The same progress asks for the same run however often it is reconciled; once its result has been recorded
 * ({@code lastAnalysisAt} moves), the next interval is another run.
 *
 * @param id e.g. {@code 3f2a…/step 1/after 2026-03-02T09:01:00Z}
 */
public record AnalysisRun(String id, Analysis analysis) {

  static AnalysisRun due(Analysis analysis, RolloutStatus s) {
    return new AnalysisRun(s.getPlanHash() + "/step " + s.getStep() + "/after " + s.getLastAnalysisAt(), analysis);
  }

  /** What the run named {@code id} found: the data a later decision is fed. */
  public record Result(String id, AnalysisResult result) {}
}
