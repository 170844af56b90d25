package dev.flagstaff.operator.status;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A reconcile the API server refused (403: a permission the operator's Role does not grant), shown where a user
 * looks: on the resource, as {@code Ready=False} with reason {@code Forbidden} and the server's own words (which
 * name the verb, the resource and the namespace), and {@code Reconciling=True} while JOSDK retries with backoff.
 */
public final class ApiRefusal {
  public static final String FORBIDDEN = "Forbidden";

  private ApiRefusal() {}

  /** The server's message when {@code e} was caused by a 403, else empty. */
  public static Optional<String> of(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException k && k.getCode() == 403) {
        String said = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage()
            : "forbidden";
        return Optional.of("the API server refused the operator: " + said
            + "; grant it in the operator's Role (the chart grants what helm/rbac/observed-calls.txt lists)");
      }
    }
    return Optional.empty();
  }

  /**
   * {@code flag}'s status with Ready, Reconciling and Stalled saying so, other conditions kept; empty when the
   * status already says exactly that (nothing to write on a further retry).
   */
  public static Optional<FeatureFlagStatus> status(FeatureFlag flag, String message, Instant now) {
    FeatureFlagStatus current = flag.getStatus() == null ? new FeatureFlagStatus() : flag.getStatus();
    List<Condition> previous = current.getConditions() == null ? List.of() : current.getConditions();
    Long generation = flag.getMetadata().getGeneration();
    Condition ready = Conditions.of(Conditions.READY, false, FORBIDDEN, message, generation);
    boolean same = Conditions.find(previous, Conditions.READY)
        .filter(c -> FORBIDDEN.equals(c.getReason()) && ready.getMessage().equals(c.getMessage())).isPresent();
    if (same) {
      return Optional.empty();
    }
    List<Condition> conditions = new ArrayList<>();
    for (Condition desired : List.of(ready,
        Conditions.of(Conditions.RECONCILING, true, FORBIDDEN, "retrying with backoff: " + message, generation),
        Conditions.of(Conditions.STALLED, false, FORBIDDEN, "retried: a permission granted later is used", generation))) {
      conditions.add(Conditions.transition(previous, desired, now));
    }
    previous.stream().filter(c -> !List.of(Conditions.READY, Conditions.RECONCILING, Conditions.STALLED)
        .contains(c.getType())).forEach(conditions::add);
    FeatureFlagStatus status = io.fabric8.kubernetes.client.utils.Serialization.clone(current);
    status.setConditions(conditions);
    return Optional.of(status);
  }
}
