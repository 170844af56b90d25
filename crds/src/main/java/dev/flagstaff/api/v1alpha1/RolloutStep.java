package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One step of a progressive rollout: a percentage held for a pause. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStep {
  @JsonPropertyDescription("The share (0-100, down to 0.001) for which the flag is on during this step.")
  @Required
  @Min(0)
  @Max(100)
  private Double percentage;

  @JsonPropertyDescription("How long the step lasts before the next one, e.g. 30s, 10m, 1h, 1h30m. The last step's pause is how long 100% is watched before the rollout is Completed.")
  @Required
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @ValidationRule(value = Durations.BOUND_RULE, message = Durations.BOUND_MESSAGE)
  private String pause;

  public RolloutStep() {}

  public RolloutStep(double percentage, String pause) {
    this.percentage = percentage;
    this.pause = pause;
  }

  public Double getPercentage() { return percentage; }
  public void setPercentage(Double percentage) { this.percentage = percentage; }
  public String getPause() { return pause; }
  public void setPause(String pause) { this.pause = pause; }
}
