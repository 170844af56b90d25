package dev.flagstaff.operator.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.operator.propagation.Propagation.Consumer;
import dev.flagstaff.operator.propagation.Propagation.Result;
import dev.flagstaff.runtime.ConsumerLeaseNames;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The count of consumers that applied a flag's version, as a plain function. */
class PropagationTest {
  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  static Consumer live(String name, String version) {
    return new Consumer(name, version, NOW.plusSeconds(20));
  }

  @Test
  void everyLiveConsumerAtOrPastTheVersionIsNOfN() {
    Result result = Propagation.of("120", 7, List.of(live("a", "120"), live("b", "121"), live("c", "9000")), NOW);

    assertThat(result.applied()).isEqualTo(3);
    assertThat(result.total()).isEqualTo(3);
    assertThat(result.propagated()).isTrue();
    assertThat(result.reason()).isEqualTo("AllConsumersApplied");
    assertThat(result.message()).isEqualTo("3/3 consumers applied generation 7");
    assertThat(result.ratio()).isEqualTo("3/3");
  }

  @Test
  void aLaggingConsumerKeepsItPropagatingAndIsNamed() {
    Result result = Propagation.of("120", 8, List.of(live("a", "120"), live("b", "119"), live("c", null)), NOW);

    assertThat(result.ratio()).isEqualTo("1/3");
    assertThat(result.propagated()).isFalse();
    assertThat(result.reason()).isEqualTo("Propagating");
    assertThat(result.message()).isEqualTo("1/3 consumers applied generation 8; waiting for b, c");
  }

  @Test
  void aPodStartingAfterTheValueIsPropagatedIsNotCountedUntilItReports() {
    List<Consumer> consumers = List.of(live("a", "120"), live("b", "121"), live("starting", null));

    Result before = Propagation.of("120", 8, consumers, NOW, false); // a new value: every consumer is waited for
    assertThat(before.ratio()).isEqualTo("2/3");
    assertThat(before.message()).isEqualTo("2/3 consumers applied generation 8; waiting for starting");

    Result propagated = Propagation.of("120", 8, consumers, NOW, true); // already Propagated: a restart goes on
    assertThat(propagated.ratio()).isEqualTo("2/2");
    assertThat(propagated.propagated()).isTrue();
    assertThat(propagated.message()).isEqualTo("2/2 consumers applied generation 8");
  }

  @Test
  void versionsCompareAsNumbersNotAsText() {
    assertThat(Propagation.of("99", 1, List.of(live("a", "100")), NOW).propagated()).isTrue();
    assertThat(Propagation.of("100", 1, List.of(live("a", "99")), NOW).propagated()).isFalse();
    // beyond Long.MAX_VALUE, still ordered (unsigned)
    assertThat(Propagation.hasApplied("18446744073709551615", "9223372036854775808")).isTrue();
    assertThat(Propagation.hasApplied("9223372036854775808", "18446744073709551615")).isFalse();
  }

  @Test
  void anExpiredLeaseStopsCounting() {
    Consumer expired = new Consumer("gone", "100", NOW.minusMillis(1));
    Consumer justLive = new Consumer("edge", "100", NOW);

    Result result = Propagation.of("100", 3, List.of(expired, justLive, live("a", "100")), NOW);

    assertThat(result.ratio()).isEqualTo("2/2");
    assertThat(result.propagated()).isTrue();
    assertThat(result.nextExpiry()).contains(NOW);
    assertThat(Propagation.of("100", 3, List.of(expired, justLive), NOW.plusMillis(1)).reason())
        .isEqualTo("NoConsumers");
  }

  @Test
  void noLiveConsumerIsNotPropagated() {
    Result result = Propagation.of("100", 2, List.of(), NOW);

    assertThat(result.ratio()).isEqualTo("0/0");
    assertThat(result.propagated()).isFalse();
    assertThat(result.reason()).isEqualTo("NoConsumers");
    assertThat(result.nextExpiry()).isEmpty();
  }

  @Test
  void aVersionThatIsNotANumberIsNotCountedAndSaysSo() {
    Result consumer = Propagation.of("100", 4, List.of(live("a", "100"), live("b", "v2-abc")), NOW);
    assertThat(consumer.ratio()).isEqualTo("1/2");
    assertThat(consumer.propagated()).isFalse();
    assertThat(consumer.message())
        .isEqualTo("1/2 consumers applied generation 4; not a number, not counted: b ('v2-abc')");

    Result flag = Propagation.of("opaque", 4, List.of(live("a", "100")), NOW);
    assertThat(flag.ratio()).isEqualTo("0/1");
    assertThat(flag.propagated()).isFalse();
    assertThat(flag.message()).contains("'opaque' is not a number");
  }

  @Test
  void aLeaseSaysWhoWhatAndUntilWhen() {
    Lease lease = new LeaseBuilder()
        .withNewMetadata().withName("flagstaff-consumer-pod-1").withNamespace("flags")
        .addToAnnotations(ConsumerLeaseNames.APPLIED_VERSION, "42").endMetadata()
        .withNewSpec().withHolderIdentity("pod-1").withLeaseDurationSeconds(30)
        .withRenewTime(NOW.atZone(ZoneOffset.UTC)).endSpec()
        .build();

    assertThat(ConsumerLeases.consumer(lease)).isEqualTo(new Consumer("pod-1", "42", NOW.plusSeconds(30)));

    lease.getSpec().setLeaseDurationSeconds(null);
    assertThat(ConsumerLeases.consumer(lease).liveAt(NOW)).isFalse();
  }
}
