package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.flagstaff.flags.Strategy;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A progressive rollout in one environment: the plan. The operator walks its steps and records its progress in
 * status; it never writes the spec.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.steps[size(self.steps) - 1].percentage == 100.0",
    message = "the last step of a rollout must reach 100 percent")
@ValidationRule(value = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].all(i, "
    + "i >= size(self.steps) || self.steps[i].percentage >= self.steps[i - 1].percentage)",
    message = "the steps of a rollout must not decrease in percentage")
public class Rollout {
  @JsonPropertyDescription("How each step's percentage is applied: actors (a stable share of actors) or random (a share of calls).")
  @Required
  private Strategy strategy;

  @JsonPropertyDescription("The steps, in order: each a percentage held for a pause. Percentages never decrease; the last one is 100.")
  @Required
  @Size(min = 1, max = 20)
  private List<RolloutStep> steps;

  @JsonPropertyDescription("Prometheus checks run while the rollout progresses; a failed check rolls the flag back to off.")
  private Analysis analysis;

  @JsonPropertyDescription("true holds the rollout at its current step (the step's timer stops); false or unset resumes it.")
  private Boolean paused;

  public Strategy getStrategy() { return strategy; }
  public void setStrategy(Strategy strategy) { this.strategy = strategy; }
  public List<RolloutStep> getSteps() { return steps; }
  public void setSteps(List<RolloutStep> steps) { this.steps = steps; }
  public Analysis getAnalysis() { return analysis; }
  public void setAnalysis(Analysis analysis) { this.analysis = analysis; }
  public Boolean getPaused() { return paused; }
  public void setPaused(Boolean paused) { this.paused = paused; }
}
