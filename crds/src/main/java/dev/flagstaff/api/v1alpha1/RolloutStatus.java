package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The progress of a rollout in the operator's environment. Written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {
  @JsonPropertyDescription("Progressing, Paused, Completed, RolledBack or Failed.")
  private String phase;

  @JsonPropertyDescription("Why the rollout is in this phase, e.g. AnalysisUnavailable for a pause while Prometheus cannot be reached.")
  private String reason;

  @JsonPropertyDescription("The index (from 0) of the current step in spec.environments.<env>.rollout.steps.")
  private Integer step;

  @JsonPropertyDescription("When the current step started (RFC 3339); moved forward by the time spent paused.")
  private String stepStartedAt;

  @JsonPropertyDescription("When the rollout was paused (RFC 3339), while it is.")
  private String pausedAt;

  @JsonPropertyDescription("The percentage in effect: the current step's, 100 once Completed, 0 once RolledBack.")
  private Double effectivePercentage;

  @JsonPropertyDescription("The checks that failed in the last analysis run, with their values.")
  private List<String> failedChecks = new ArrayList<>();

  @JsonPropertyDescription("How many analysis runs in a row have failed.")
  private Integer consecutiveFailures;

  @JsonPropertyDescription("When the analysis last ran (RFC 3339).")
  private String lastAnalysisAt;

  @JsonPropertyDescription("A hash of the rollout plan (strategy, steps, analysis): a change of plan is detected by it.")
  private String planHash;

  @JsonPropertyDescription("A hash of the strategy and the steps up to the current one: a new plan that keeps them keeps the progress.")
  private String progressHash;

  @JsonPropertyDescription("The value of the annotation flagstaff.dev/retry-rollout when the rollout (re)started; another value retries a rolled-back rollout.")
  private String retry;

  @JsonPropertyDescription("Every value of the annotation flagstaff.dev/retry-rollout that has retried this rollout (the latest 32): a value seen before retries nothing, so a GitOps tool putting an old value back cannot loop a rollback.")
  @io.fabric8.generator.annotation.Size(max = 32)
  private List<String> retriesUsed;

  @JsonPropertyDescription("The rollout's state in words.")
  private String message;

  public String getPhase() { return phase; }
  public void setPhase(String phase) { this.phase = phase; }
  public String getReason() { return reason; }
  public void setReason(String reason) { this.reason = reason; }
  public Integer getStep() { return step; }
  public void setStep(Integer step) { this.step = step; }
  public String getStepStartedAt() { return stepStartedAt; }
  public void setStepStartedAt(String stepStartedAt) { this.stepStartedAt = stepStartedAt; }
  public String getPausedAt() { return pausedAt; }
  public void setPausedAt(String pausedAt) { this.pausedAt = pausedAt; }
  public Double getEffectivePercentage() { return effectivePercentage; }
  public void setEffectivePercentage(Double effectivePercentage) { this.effectivePercentage = effectivePercentage; }
  public List<String> getFailedChecks() { return failedChecks; }
  public void setFailedChecks(List<String> failedChecks) { this.failedChecks = failedChecks; }
  public Integer getConsecutiveFailures() { return consecutiveFailures; }
  public void setConsecutiveFailures(Integer consecutiveFailures) { this.consecutiveFailures = consecutiveFailures; }
  public String getLastAnalysisAt() { return lastAnalysisAt; }
  public void setLastAnalysisAt(String lastAnalysisAt) { this.lastAnalysisAt = lastAnalysisAt; }
  public String getPlanHash() { return planHash; }
  public void setPlanHash(String planHash) { this.planHash = planHash; }
  public String getProgressHash() { return progressHash; }
  public void setProgressHash(String progressHash) { this.progressHash = progressHash; }
  public String getRetry() { return retry; }
  public void setRetry(String retry) { this.retry = retry; }
  public List<String> getRetriesUsed() { return retriesUsed; }
  public void setRetriesUsed(List<String> retriesUsed) { this.retriesUsed = retriesUsed; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }

  /** A copy, for computing the next status from this one. */
  public RolloutStatus copy() {
    RolloutStatus c = new RolloutStatus();
    c.phase = phase;
    c.reason = reason;
    c.step = step;
    c.stepStartedAt = stepStartedAt;
    c.pausedAt = pausedAt;
    c.effectivePercentage = effectivePercentage;
    c.failedChecks = failedChecks == null ? new ArrayList<>() : new ArrayList<>(failedChecks);
    c.consecutiveFailures = consecutiveFailures;
    c.lastAnalysisAt = lastAnalysisAt;
    c.planHash = planHash;
    c.progressHash = progressHash;
    c.retry = retry;
    c.retriesUsed = retriesUsed == null ? null : new ArrayList<>(retriesUsed);
    c.message = message;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof RolloutStatus)) return false;
    RolloutStatus that = (RolloutStatus) o;
    return Objects.equals(phase, that.phase) && Objects.equals(reason, that.reason)
        && Objects.equals(step, that.step) && Objects.equals(stepStartedAt, that.stepStartedAt)
        && Objects.equals(pausedAt, that.pausedAt) && Objects.equals(effectivePercentage, that.effectivePercentage)
        && Objects.equals(failedChecks, that.failedChecks)
        && Objects.equals(consecutiveFailures, that.consecutiveFailures)
        && Objects.equals(lastAnalysisAt, that.lastAnalysisAt) && Objects.equals(planHash, that.planHash)
        && Objects.equals(progressHash, that.progressHash) && Objects.equals(retry, that.retry)
        && Objects.equals(retriesUsed, that.retriesUsed) && Objects.equals(message, that.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, step, stepStartedAt, planHash, effectivePercentage);
  }
}
