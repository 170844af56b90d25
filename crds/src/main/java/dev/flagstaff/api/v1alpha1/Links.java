package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/** Where the flag came from and where its rollout is tracked. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Links {
  @JsonPropertyDescription("The merge request that introduced the flag.")
  @Size(max = 2048)
  private String introducedBy;

  @JsonPropertyDescription("The issue that tracks the rollout of the flag.")
  @Size(max = 2048)
  private String rolloutIssue;

  @JsonPropertyDescription("The issue that describes the feature behind the flag.")
  @Size(max = 2048)
  private String featureIssue;

  public String getIntroducedBy() { return introducedBy; }
  public void setIntroducedBy(String introducedBy) { this.introducedBy = introducedBy; }
  public String getRolloutIssue() { return rolloutIssue; }
  public void setRolloutIssue(String rolloutIssue) { this.rolloutIssue = rolloutIssue; }
  public String getFeatureIssue() { return featureIssue; }
  public void setFeatureIssue(String featureIssue) { this.featureIssue = featureIssue; }
}
