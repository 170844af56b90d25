package dev.flagstaff.operator.propagation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How far a flag's current value has propagated: of the live consumers (endpoint pods whose Lease has not expired),
 * how many serve a ConfigMap at least as new as the write that put this value there. A consumer that has not read
 * any ConfigMap yet (its Lease carries no applied version) is waited for, except once the value is Propagated: then
 * a pod that starts (not ready, serving no decision) is not counted until it reports, and it then serves the latest
 * ConfigMap, so a rolling restart leaves the flag Propagated throughout.
 *
 * <p>Assumption: a ConfigMap's resourceVersion, read as an unsigned integer, grows with every write. The API treats
 * resourceVersions as opaque strings, but etcd-backed API servers (and the Fabric8 mock server) issue them from one
 * increasing revision counter, which is what this comparison relies on. A version that is not a number cannot be
 * compared: such a consumer is not counted, and the message says so.
 *
 * <p>A plain function of plain values: the caller supplies the clock's {@code now}.
 */
public final class Propagation {
  public static final String REASON_ALL_APPLIED = "AllConsumersApplied";
  public static final String REASON_PROPAGATING = "Propagating";
  public static final String REASON_NO_CONSUMERS = "NoConsumers";
  private static final int NAMES_SHOWN = 3;

  private Propagation() {}

  /**
   * One endpoint pod, as its Lease says.
   *
   * @param name the pod (the Lease's holder)
   * @param appliedVersion the ConfigMap resourceVersion it serves, {@code null} when it has not read one yet
   * @param expiresAt when its Lease expires unless renewed ({@code renewTime + leaseDurationSeconds}); {@code null}
   *     when the Lease does not say, which counts as expired
   */
  public record Consumer(String name, String appliedVersion, Instant expiresAt) {
    public boolean liveAt(Instant now) {
      return expiresAt != null && !expiresAt.isBefore(now);
    }
  }

  /**
   * @param applied live consumers serving the flag's version or a later one
   * @param total live consumers
   * @param propagated whether every live consumer, and at least one, has applied it
   * @param reason {@link #REASON_ALL_APPLIED}, {@link #REASON_PROPAGATING} or {@link #REASON_NO_CONSUMERS}
   * @param message e.g. "3/3 consumers applied generation 7"
   * @param nextExpiry the earliest expiry among the live consumers: the count may drop then, with no API event
   */
  public record Result(int applied, int total, boolean propagated, String reason, String message,
      Optional<Instant> nextExpiry) {
    /** "2/3", for the printer column. */
    public String ratio() {
      return applied + "/" + total;
    }
  }

  /**
   * @param flagVersion the ConfigMap resourceVersion from the write that put the flag's current value there
   * @param generation the FeatureFlag generation that value was resolved from (for the message)
   */
  public static Result of(String flagVersion, long generation, Collection<Consumer> consumers, Instant now) {
    return of(flagVersion, generation, consumers, now, false);
  }

  /**
   * @param propagatedBefore whether the flag was already Propagated at this version and generation: then a consumer
   *     that has read nothing yet (a pod starting) is not counted, rather than waited for
   */
  public static Result of(String flagVersion, long generation, Collection<Consumer> consumers, Instant now,
      boolean propagatedBefore) {
    List<Consumer> live = consumers.stream()
        .filter(c -> c.liveAt(now) && (c.appliedVersion() != null || !propagatedBefore))
        .sorted(Comparator.comparing(Consumer::name)).toList();
    OptionalLong wanted = number(flagVersion);
    List<String> lagging = new ArrayList<>();
    List<String> notComparable = new ArrayList<>();
    int applied = 0;
    for (Consumer consumer : live) {
      OptionalLong served = number(consumer.appliedVersion());
      if (consumer.appliedVersion() != null && served.isEmpty()) {
        notComparable.add(consumer.name() + " ('" + consumer.appliedVersion() + "')");
      } else if (wanted.isPresent() && served.isPresent()
          && Long.compareUnsigned(served.getAsLong(), wanted.getAsLong()) >= 0) {
        applied++;
      } else {
        lagging.add(consumer.name());
      }
    }
    Optional<Instant> nextExpiry = live.stream().map(Consumer::expiresAt).min(Comparator.naturalOrder());
    int total = live.size();
    String counted = applied + "/" + total + " consumers applied generation " + generation;
    if (total == 0) {
      return new Result(0, 0, false, REASON_NO_CONSUMERS,
          "no live consumer reports its applied flags (no unexpired consumer Lease in this namespace)", nextExpiry);
    }
    if (wanted.isEmpty()) {
      return new Result(0, total, false, REASON_PROPAGATING, counted + ": the ConfigMap version '" + flagVersion
          + "' is not a number, so no consumer's version can be compared with it", nextExpiry);
    }
    if (applied == total) {
      return new Result(applied, total, true, REASON_ALL_APPLIED, counted, nextExpiry);
    }
    StringBuilder message = new StringBuilder(counted);
    if (!lagging.isEmpty()) {
      message.append("; waiting for ").append(names(lagging));
    }
    if (!notComparable.isEmpty()) {
      message.append("; not a number, not counted: ").append(names(notComparable));
    }
    return new Result(applied, total, false, REASON_PROPAGATING, message.toString(), nextExpiry);
  }

  /** Whether a consumer serving {@code appliedVersion} has applied a write made at {@code flagVersion}. */
  public static boolean hasApplied(String appliedVersion, String flagVersion) {
    OptionalLong served = number(appliedVersion);
    OptionalLong wanted = number(flagVersion);
    return served.isPresent() && wanted.isPresent()
        && Long.compareUnsigned(served.getAsLong(), wanted.getAsLong()) >= 0;
  }

  private static String names(List<String> names) {
    if (names.size() <= NAMES_SHOWN) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, NAMES_SHOWN)) + " and " + (names.size() - NAMES_SHOWN) + " more";
  }

  private static OptionalLong number(String version) {
    if (version == null || version.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseUnsignedLong(version));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
