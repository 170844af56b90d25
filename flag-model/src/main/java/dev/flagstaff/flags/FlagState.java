package dev.flagstaff.flags;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A flag resolved for one environment: what the operator writes into the ConfigMap and what readers evaluate.
 * Immutable; {@link #actorSet()} is ready for allocation-free look-ups.
 */
public final class FlagState {
  private final boolean enabled;
  private final double percentage;
  private final Strategy strategy;
  private final List<String> actors;
  private final Set<String> actorSet;
  private final long generation;
  /**
   * The key this state was last bucketed under and its {@link ActorBucket#keyRegister}, computed on first use like
   * {@link String#hashCode}. A racing reader sees either null or a complete, immutable pair.
   */
  private KeyRegister keyRegister;

  private FlagState(boolean enabled, double percentage, Strategy strategy, List<String> actors, long generation) {
    if (!Double.isNaN(percentage) && (percentage < 0 || percentage > 100)) {
      throw new IllegalArgumentException("percentage must be between 0 and 100, got " + percentage);
    }
    if (!Double.isNaN(percentage) && strategy == null) {
      throw new IllegalArgumentException("a percentage needs a strategy: actors or random");
    }
    this.enabled = enabled;
    this.percentage = percentage;
    this.strategy = Double.isNaN(percentage) ? null : strategy;
    this.actors = actors == null ? List.of() : List.copyOf(actors);
    this.actorSet = Set.copyOf(this.actors);
    this.generation = generation;
  }

  /** Off, whatever else is set. */
  public static FlagState off(long generation) {
    return new FlagState(false, Double.NaN, null, List.of(), generation);
  }

  /** Fully on. */
  public static FlagState on(long generation) {
    return new FlagState(true, Double.NaN, null, List.of(), generation);
  }

  /**
   * @param percentage the share in [0, 100], or {@code null} for none
   * @param strategy required when a percentage is given
   */
  public static FlagState of(boolean enabled, Double percentage, Strategy strategy, List<String> actors, long generation) {
    return new FlagState(enabled, percentage == null ? Double.NaN : percentage, strategy, actors, generation);
  }

  public boolean enabled() { return enabled; }

  public boolean hasPercentage() { return !Double.isNaN(percentage); }

  /** The percentage, or NaN when there is none. */
  public double percentage() { return percentage; }

  /** The strategy, or {@code null} when there is no percentage. */
  public Strategy strategy() { return strategy; }

  /** Actors always on while enabled, in the order written. */
  public List<String> actors() { return actors; }

  public Set<String> actorSet() { return actorSet; }

  /** The FeatureFlag's metadata.generation this state was resolved from (0 when unknown). */
  public long generation() { return generation; }

  /**
   * {@link ActorBucket#keyRegister} of {@code key}, remembered for the first key this state is evaluated under (a
   * state lives under one key), so that a percentage-of-actors evaluation hashes only the actor. Allocates once,
   * on first use; under any other key it computes and allocates nothing.
   */
  int keyRegister(String key) {
    KeyRegister known = keyRegister;
    if (known != null && known.key.equals(key)) {
      return known.register;
    }
    int register = ActorBucket.keyRegister(key);
    if (known == null) {
      keyRegister = new KeyRegister(key, register);
    }
    return register;
  }

  private static final class KeyRegister {
    final String key;
    final int register;

    KeyRegister(String key, int register) {
      this.key = key;
      this.register = register;
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof FlagState)) return false;
    FlagState that = (FlagState) o;
    return enabled == that.enabled
        && Double.compare(percentage, that.percentage) == 0
        && strategy == that.strategy
        && actors.equals(that.actors)
        && generation == that.generation;
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, percentage, strategy, actors, generation);
  }

  @Override
  public String toString() {
    return FlagCodec.encode(this);
  }
}
