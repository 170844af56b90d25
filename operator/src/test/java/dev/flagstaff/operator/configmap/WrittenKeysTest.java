package dev.flagstaff.operator.configmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which FeatureFlags a change of the ConfigMap wakes: only those whose own key was changed by someone else. */
class WrittenKeysTest {
  private static final String NS = "flags";
  private final WrittenKeys written = new WrittenKeys();
  private final ResourceID a = new ResourceID("a", NS);
  private final ResourceID b = new ResourceID("b", NS);

  @Test
  void theOperatorsOwnWritesWakeNothingAndAnEditWakesOnlyItsFlag() {
    written.wrote(a, NS, "a", "{\"enabled\":true}", "10");
    written.wrote(b, NS, "b", "{\"enabled\":false}", "11");
    Map<String, String> data = new HashMap<>(Map.of("a", "{\"enabled\":true}"));

    // an older event still without b, then the operator's own writes arriving: nothing to do
    assertThat(written.changed(NS, "10", data)).isEmpty();
    data.put("b", "{\"enabled\":false}");
    assertThat(written.changed(NS, "11", data)).isEmpty();
    assertThat(written.drifted(NS, "a", "{\"enabled\":true}")).isFalse();

    // kubectl edit of b's value: b alone wakes, and sees drift
    data.put("b", "{\"enabled\":true}");
    assertThat(written.changed(NS, "12", data)).containsExactly(b);
    assertThat(written.drifted(NS, "b", "{\"enabled\":true}")).isTrue();

    // someone removes a: a alone wakes; the ConfigMap deleted: both
    data.put("b", "{\"enabled\":false}");
    data.remove("a");
    assertThat(written.changed(NS, "13", data)).containsExactly(a);
    assertThat(written.changed(NS, "14", null)).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void aWriteNotYetSeenIsLagNotDrift() {
    written.wrote(a, NS, "a", "{\"enabled\":true}", "20");
    assertThat(written.drifted(NS, "a", "{\"enabled\":false}")).isFalse();
    assertThat(written.changed(NS, "19", Map.of("a", "{\"enabled\":false}"))).isEmpty();
  }

  @Test
  void aFlagWaitingForSpaceWakesAtTheNextChangeUntilItIsWritten() {
    written.waitsForSpace(a, NS);
    assertThat(written.changed(NS, "30", Map.of())).containsExactly(a);
    written.wrote(a, NS, "a", "{\"enabled\":true}", "31");
    assertThat(written.changed(NS, "31", Map.of("a", "{\"enabled\":true}"))).isEmpty();
  }
}
