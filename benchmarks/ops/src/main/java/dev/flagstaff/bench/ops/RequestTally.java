package dev.flagstaff.bench.ops;

import dev.flagstaff.testkit.kube.AuditLog;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One user's API requests, from the API server's audit log, by verb and resource, e.g. {@code UPDATE
 * featureflags/status}, {@code LIST configmaps}, {@code WATCH featureflags} (the verbs of the audit log: GET is one
 * object, LIST a collection, WATCH counted once, when opened).
 */
final class RequestTally {
  private final Map<String, Integer> counts = new TreeMap<>();
  private final Map<String, Integer> refused = new TreeMap<>();
  private int total;

  static RequestTally of(List<AuditLog.Entry> requests) {
    RequestTally tally = new RequestTally();
    for (AuditLog.Entry request : requests) {
      tally.counts.merge(kind(request), 1, Integer::sum);
      tally.total++;
      if (request.code() >= 300) {
        tally.refused.merge(request.code() + " " + kind(request), 1, Integer::sum);
      }
    }
    return tally;
  }

  /** "VERB resource[/subresource]", the API group left out; non-resource URLs by path. */
  static String kind(AuditLog.Entry request) {
    String resource = request.resource();
    int slash = resource.indexOf('/');
    String name = resource.isEmpty() ? request.uri().replaceAll("\\?.*", "") : resource.substring(slash + 1);
    return request.verb().toUpperCase(java.util.Locale.ROOT) + " " + name;
  }

  /** How many of {@code kind} ("UPDATE featureflags/status"). */
  int count(String kind) {
    return counts.getOrDefault(kind, 0);
  }

  int total() {
    return total;
  }

  /** Requests answered with a code of 300 or more, by "code VERB resource" (409 = conflict or already exists). */
  Map<String, Integer> refused() {
    return refused;
  }

  Map<String, Integer> counts() {
    return counts;
  }

  /** Counts divided by {@code flags}, rounded to 0.001. */
  Map<String, Double> perFlag(int flags) {
    Map<String, Double> per = new TreeMap<>();
    counts.forEach((k, v) -> per.put(k, Math.round(v * 1000.0 / flags) / 1000.0));
    return per;
  }
}
