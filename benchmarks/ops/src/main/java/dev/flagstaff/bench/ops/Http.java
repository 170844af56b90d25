package dev.flagstaff.bench.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GETs on a loopback management port over one kept-alive HTTP/1.1 client. */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();

  private Http() {
  }

  /** The body of a 200 answer, or null for any other answer or none. */
  static String get(int port, String path) {
    try {
      HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Polls {@code /readyz} every 10 ms until it answers 200; returns System.nanoTime() of that answer.
   *
   * @throws IllegalStateException when the process exits or {@code timeout} passes
   */
  static long awaitReady(Jvm process, int port, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      process.requireAlive();
      if (get(port, "/readyz") != null) {
        return System.nanoTime();
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("not ready on port " + port + " within " + timeout + "; output ends:\n"
        + process.tail(30));
  }

  /** The sum of a Prometheus metric's samples whose labels contain {@code labelFilter}, from /metrics. */
  static double metricSum(int port, String metric, String labelFilter) {
    String body = get(port, "/metrics");
    if (body == null) {
      return Double.NaN;
    }
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)} ([0-9.eE+-]+)$").matcher(body);
    double sum = 0;
    while (m.find()) {
      if (m.group(1).contains(labelFilter)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
