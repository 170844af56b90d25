package dev.flagstaff.bench.ops;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * API requests the mock server received, by verb and resource, e.g. {@code PATCH featureflags/status},
 * {@code LIST configmaps}, {@code WATCH featureflags}. GET is split as Kubernetes audit logs do: GET (one object),
 * LIST (a collection), WATCH (a collection with watch=true; counted once, when opened). Requests sent with the
 * driver's own User-Agent are left out.
 */
final class RequestTally {
  static final String DRIVER_AGENT = "flagstaff-bench-driver";

  private final Map<String, Integer> counts = new TreeMap<>();
  private int total;

  static RequestTally of(List<RecordedRequest> requests) {
    RequestTally tally = new RequestTally();
    for (RecordedRequest request : requests) {
      String agent = request.getHeader("User-Agent");
      if (agent != null && agent.startsWith(DRIVER_AGENT)) {
        continue;
      }
      tally.counts.merge(kind(request.getMethod(), request.getPath()), 1, Integer::sum);
      tally.total++;
    }
    return tally;
  }

  /** "VERB resource[/subresource]" for a request line's method and path. */
  static String kind(String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    String[] parts = path.replaceAll("^/+", "").split("/");
    // api/v1/... or apis/group/version/...
    int i = parts.length > 0 && parts[0].equals("api") ? 2 : 3;
    if (i < parts.length && parts[i].equals("namespaces") && i + 2 < parts.length) {
      i += 2; // namespaces/{ns}/resource...
    }
    String resource = i < parts.length ? parts[i] : path;
    boolean named = i + 1 < parts.length;
    String sub = i + 2 < parts.length ? "/" + parts[i + 2] : "";
    String verb = method;
    if (method.equals("GET")) {
      verb = query.contains("watch=true") ? "WATCH" : named ? "GET" : "LIST";
    }
    return verb + " " + resource + sub;
  }

  int total() {
    return total;
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
