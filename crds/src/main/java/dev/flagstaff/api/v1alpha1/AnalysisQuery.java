package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A PromQL query whose value must stay within bounds while the rollout progresses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.max) || has(self.min)", message = "an analysis query needs a max, a min or both")
public class AnalysisQuery {
  @JsonPropertyDescription("A short name for the check, shown in status and Events, e.g. publish-error-ratio.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$")
  @Size(max = 63)
  private String name;

  @JsonPropertyDescription("The PromQL expression, evaluated as an instant query; every sample it returns (or its scalar) is compared with max and min. A query with no data (or only NaN) fails the check unless onNoData is pass.")
  @Required
  @Size(min = 1, max = 4096)
  private String query;

  @JsonPropertyDescription("The check fails when the value is above max.")
  private Double max;

  @JsonPropertyDescription("The check fails when the value is below min.")
  private Double min;

  @JsonPropertyDescription("What a query that returns no data means: fail (the default; a typo in a metric name must not wave a rollout through) or pass (for a metric that only exists once something goes wrong).")
  @io.fabric8.generator.annotation.Default("fail")
  @ValidationRule(value = "self == 'fail' || self == 'pass'", message = "onNoData must be fail or pass")
  @Size(max = 8)
  private String onNoData;

  public AnalysisQuery() {}

  public AnalysisQuery(String name, String query, Double max, Double min) {
    this.name = name;
    this.query = query;
    this.max = max;
    this.min = min;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getQuery() { return query; }
  public void setQuery(String query) { this.query = query; }
  public Double getMax() { return max; }
  public void setMax(Double max) { this.max = max; }
  public Double getMin() { return min; }
  public void setMin(Double min) { this.min = min; }
  public String getOnNoData() { return onNoData; }
  public void setOnNoData(String onNoData) { this.onNoData = onNoData; }

  /** Whether a query without data passes: only when {@code onNoData: pass} is set. */
  public boolean passesWithoutData() { return "pass".equals(onNoData); }
}
