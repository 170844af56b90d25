package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Written by the operator only: what it resolved for its environment, with kstatus conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeatureFlagStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("The environment whose operator wrote this status.")
  private String environment;

  @JsonPropertyDescription("The resolved flag key (spec.key or metadata.name).")
  private String key;

  @JsonPropertyDescription("The resolved state in words: Enabled, Disabled, 25% of actors, 10% of time, ...")
  private String state;

  @JsonPropertyDescription("The progress of the rollout of this environment, when it has one.")
  private RolloutStatus rollout;

  @JsonPropertyDescription("Since when (RFC 3339) the flag has been fully on, in the verification environment only.")
  private String fullyOnSince;

  @JsonPropertyDescription("The flags ConfigMap's resourceVersion from the operator's write of this flag's current value: "
      + "a consumer serving this version or a later one has applied it.")
  private String configMapVersion;

  @JsonPropertyDescription("How many live consumers (Slack endpoint pods) serve the flag's current value.")
  private ConsumerCounts consumers;

  @JsonPropertyDescription("consumers as applied/total, e.g. 3/3, for the Propagated column.")
  private String propagation;

  @JsonPropertyDescription("kstatus conditions: Ready, Reconciling, Stalled; Rollout while a rollout exists; ReadyForCleanup in the verification environment; Propagated.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public String getEnvironment() { return environment; }
  public void setEnvironment(String environment) { this.environment = environment; }
  public String getKey() { return key; }
  public void setKey(String key) { this.key = key; }
  public String getState() { return state; }
  public void setState(String state) { this.state = state; }
  public RolloutStatus getRollout() { return rollout; }
  public void setRollout(RolloutStatus rollout) { this.rollout = rollout; }
  public String getFullyOnSince() { return fullyOnSince; }
  public void setFullyOnSince(String fullyOnSince) { this.fullyOnSince = fullyOnSince; }
  public String getConfigMapVersion() { return configMapVersion; }
  public void setConfigMapVersion(String configMapVersion) { this.configMapVersion = configMapVersion; }
  public ConsumerCounts getConsumers() { return consumers; }
  public void setConsumers(ConsumerCounts consumers) { this.consumers = consumers; }
  public String getPropagation() { return propagation; }
  public void setPropagation(String propagation) { this.propagation = propagation; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof FeatureFlagStatus)) return false;
    FeatureFlagStatus that = (FeatureFlagStatus) o;
    return Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(environment, that.environment)
        && Objects.equals(key, that.key)
        && Objects.equals(state, that.state)
        && Objects.equals(rollout, that.rollout)
        && Objects.equals(fullyOnSince, that.fullyOnSince)
        && Objects.equals(configMapVersion, that.configMapVersion)
        && Objects.equals(consumers, that.consumers)
        && Objects.equals(propagation, that.propagation)
        && Objects.equals(conditions, that.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, environment, key, state, configMapVersion, propagation, conditions);
  }
}
