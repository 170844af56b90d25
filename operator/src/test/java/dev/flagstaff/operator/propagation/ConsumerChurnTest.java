package dev.flagstaff.operator.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.api.v1alpha1.ConsumerCounts;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which status changes wait: the consumer count alone moving while the flag stays Propagated. */
class ConsumerChurnTest {
  private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
  private static final ResourceID FLAG = new ResourceID("app-home", "flags");
  private final ConsumerChurn churn = new ConsumerChurn(Duration.ofSeconds(10));

  private static FeatureFlagStatus status(long generation, String propagated, int applied, int total) {
    FeatureFlagStatus status = new FeatureFlagStatus();
    status.setObservedGeneration(generation);
    status.setState("Enabled");
    status.setConsumers(new ConsumerCounts(applied, total));
    status.setPropagation(applied + "/" + total);
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True").build(),
        new ConditionBuilder().withType("Propagated").withStatus(propagated)
            .withMessage(applied + "/" + total + " consumers applied generation " + generation).build()));
    return status;
  }

  @Test
  void aCountOnlyChangeWaitsOneWindowFromTheFirstOneThenIsWritten() {
    FeatureFlagStatus saved = status(1, "True", 3, 3);

    assertThat(churn.holdBack(FLAG, saved, status(1, "True", 4, 4), T0)).contains(Duration.ofSeconds(10));
    assertThat(churn.holdBack(FLAG, saved, status(1, "True", 3, 3), T0.plusSeconds(2))).isEmpty(); // back: settled
    assertThat(churn.holdBack(FLAG, saved, status(1, "True", 4, 4), T0.plusSeconds(3))).contains(Duration.ofSeconds(10));
    assertThat(churn.holdBack(FLAG, saved, status(1, "True", 2, 2), T0.plusSeconds(8))).contains(Duration.ofSeconds(5));
    assertThat(churn.holdBack(FLAG, saved, status(1, "True", 2, 2), T0.plusSeconds(13))).isEmpty(); // due: write
  }

  @Test
  void propagatedFlippingOrANewGenerationIsWrittenAtOnce() {
    FeatureFlagStatus saved = status(1, "True", 3, 3);

    assertThat(churn.holdBack(FLAG, saved, status(1, "False", 3, 4), T0)).isEmpty();
    assertThat(churn.holdBack(FLAG, saved, status(2, "True", 3, 3), T0)).isEmpty();
    assertThat(churn.holdBack(FLAG, status(1, "False", 1, 3), status(1, "False", 2, 3), T0)).isEmpty();
    assertThat(churn.holdBack(FLAG, null, status(1, "True", 3, 3), T0)).isEmpty();
  }
}
