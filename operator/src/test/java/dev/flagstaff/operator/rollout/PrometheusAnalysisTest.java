package dev.flagstaff.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.AnalysisQuery;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Prometheus HTTP API as Prometheus answers it, from a loopback stub: no data, a hung query. */
class PrometheusAnalysisTest {
  private static final String EMPTY = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
  private static final String LOW = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
      + "[{\"metric\":{},\"value\":[1700000000,\"0.01\"]}]}}";

  private final CountDownLatch hung = new CountDownLatch(1);
  private final HttpServer prometheus;

  PrometheusAnalysisTest() throws IOException {
    prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    prometheus.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    prometheus.createContext("/api/v1/query", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      if (query.contains("hang")) {
        try {
          hung.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = (query.contains("publsh") ? EMPTY : LOW).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    prometheus.start();
  }

  @AfterEach
  void stop() {
    hung.countDown();
    prometheus.stop(0);
  }

  private Analysis analysis(AnalysisQuery... queries) {
    Analysis analysis = new Analysis();
    analysis.setPrometheus("http://127.0.0.1:" + prometheus.getAddress().getPort());
    analysis.setQueries(List.of(queries));
    return analysis;
  }

  @Test
  void aQueryWithoutDataFailsItsCheckUnlessItSaysOnNoDataPass() {
    AnalysisQuery typo = new AnalysisQuery("error-ratio", "rate(flagstaff_slack_views_publsh_total[5m])", 0.05, null);
    AnalysisResult result = new PrometheusAnalysis(Duration.ofSeconds(5)).run(analysis(typo,
        new AnalysisQuery("latency", "p99_latency", 0.5, null))).join();
    assertThat(result.outcome()).isEqualTo(AnalysisResult.Outcome.FAILED);
    assertThat(result.failedChecks()).singleElement().asString().startsWith("error-ratio: no data");

    typo.setOnNoData("pass");
    AnalysisResult optedIn = new PrometheusAnalysis(Duration.ofSeconds(5)).run(analysis(typo)).join();
    assertThat(optedIn.outcome()).isEqualTo(AnalysisResult.Outcome.PASSED);
    assertThat(optedIn.detail()).isEqualTo("no data for error-ratio");
  }

  @Test
  void aQueryPrometheusNeverAnswersMakesTheAnalysisUnavailableAtTheTotalBound() {
    AnalysisResult result = new PrometheusAnalysis(Duration.ofMillis(300)).run(analysis(
        new AnalysisQuery("fine", "ok", 0.05, null), new AnalysisQuery("stuck", "hang", 0.05, null))).join();
    assertThat(result.outcome()).isEqualTo(AnalysisResult.Outcome.UNAVAILABLE);
    // (whichever comes first, the request's own timeout or the bound on all of them, says the same to the user)
    assertThat(result.detail()).startsWith("http://127.0.0.1:" + prometheus.getAddress().getPort() + " did not answer");
  }
}
