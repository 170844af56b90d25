package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** How many consumers of the flags ConfigMap (Slack endpoint pods) serve the flag's current value. */
public class ConsumerCounts {
  @JsonPropertyDescription("Live consumers serving the ConfigMap version in status.configMapVersion or a later one.")
  private int applied;

  @JsonPropertyDescription("Live consumers: endpoint pods whose consumer Lease has not expired.")
  private int total;

  public ConsumerCounts() {}

  public ConsumerCounts(int applied, int total) {
    this.applied = applied;
    this.total = total;
  }

  public int getApplied() { return applied; }
  public void setApplied(int applied) { this.applied = applied; }
  public int getTotal() { return total; }
  public void setTotal(int total) { this.total = total; }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof ConsumerCounts)) return false;
    ConsumerCounts that = (ConsumerCounts) o;
    return applied == that.applied && total == that.total;
  }

  @Override
  public int hashCode() {
    return Objects.hash(applied, total);
  }

  @Override
  public String toString() {
    return applied + "/" + total;
  }
}
