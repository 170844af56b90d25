package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Metric checks that gate a rollout: run every interval against a Prometheus server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Analysis {
  @JsonPropertyDescription("The Prometheus HTTP API's address, e.g. http://prometheus.monitoring:9090 (queried at /api/v1/query).")
  @Required
  @Pattern("^https?://[^\\s]+$")
  @Size(max = 2048)
  private String prometheus;

  @JsonPropertyDescription("The checks: each query's value must stay at or below max and at or above min.")
  @Required
  @Size(min = 1, max = 10)
  private List<AnalysisQuery> queries;

  @JsonPropertyDescription("How often the checks run, e.g. 30s or 1m. While Prometheus cannot be reached the rollout is Paused and the checks are retried at this interval.")
  @Default("1m")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @ValidationRule(value = Durations.BOUND_RULE, message = Durations.BOUND_MESSAGE)
  private String interval;

  @JsonPropertyDescription("How many analysis runs in a row may fail before the rollout is rolled back: 1 rolls back at the first failed run. A run fails when any check fails.")
  @Default("1")
  @Min(1)
  private Integer failureLimit;

  public String getPrometheus() { return prometheus; }
  public void setPrometheus(String prometheus) { this.prometheus = prometheus; }
  public List<AnalysisQuery> getQueries() { return queries; }
  public void setQueries(List<AnalysisQuery> queries) { this.queries = queries; }
  public String getInterval() { return interval; }
  public void setInterval(String interval) { this.interval = interval; }
  public Integer getFailureLimit() { return failureLimit; }
  public void setFailureLimit(Integer failureLimit) { this.failureLimit = failureLimit; }
}
