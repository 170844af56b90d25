package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.AnalysisQuery;
import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStep;
import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.flags.Strategy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rollout's analysis runs off the reconcile: a Prometheus that holds its answer (a loopback stub that answers
 * only when the test releases it) holds neither the flag's own rollback nor any other flag, and the answer, once
 * given, moves the rollout on by itself. The operator's analysis timeout is set far beyond the test's waits, so an
 * operator that waited for Prometheus on the reconcile thread would fail here.
 */
class AnalysisOffTheReconcileTest {
  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private static final String KEY = "checked_flag";
  private static final String PASSING = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
      + "[{\"metric\":{},\"value\":[1772442000,\"0.01\"]}]}}";

  private final OperatorHarness k8s = new OperatorHarness();
  private final TestClock clock = new TestClock(T0);
  private final HeldPrometheus prometheus = new HeldPrometheus();

  @BeforeEach
  void start() {
    Map<String, String> env = OperatorHarness.defaultEnv();
    env.put("FLAGSTAFF_ANALYSIS_TIMEOUT", "10m");
    k8s.startOperator(env, clock);
  }

  @AfterEach
  void stop() {
    prometheus.release();
    k8s.close();
    prometheus.close();
  }

  /** 1% for 10 minutes, then 10%, ...; the error ratio checked every minute. */
  private FeatureFlag createChecked() {
    Rollout plan = new Rollout();
    plan.setStrategy(Strategy.RANDOM);
    plan.setSteps(new ArrayList<>(List.of(new RolloutStep(1, "10m"), new RolloutStep(10, "10m"),
        new RolloutStep(100, "10m"))));
    Analysis analysis = new Analysis();
    analysis.setPrometheus(prometheus.url());
    analysis.setInterval("1m");
    analysis.setQueries(List.of(new AnalysisQuery("error-ratio", "flagstaff_errors_ratio", 0.05, null)));
    plan.setAnalysis(analysis);
    EnvironmentState production = on();
    production.setRollout(plan);
    return k8s.create(flag("checked", KEY, Map.of("production", production)));
  }

  private String value(String key) {
    return k8s.data(NAMESPACE).get(key);
  }

  private static String random(int percentage) {
    return "{\"enabled\":true,\"percentage\":" + percentage + ",\"strategy\":\"random\",\"generation\":1}";
  }

  /** The first step's pause is over and the checks are due: the step moves only once they pass. */
  private void checksFallDue() {
    createChecked();
    await().until(() -> random(1).equals(value(KEY)));
    clock.advance(Duration.ofMinutes(10));
    k8s.operator().wake();
    await().until(() -> prometheus.queries() == 1);
  }

  @Test
  void aHeldQueryHoldsNeitherTheFlagsRollbackNorAnotherFlag() {
    checksFallDue();

    k8s.create(flag("other", "other_flag", Map.of("production", on())));
    await().until(() -> "{\"enabled\":true,\"generation\":1}".equals(value("other_flag")));

    k8s.edit(NAMESPACE, "checked", f -> {
      f.getSpec().getEnvironments().get("production").setEnabled(false);
      return f;
    });
    await().until(() -> value(KEY) != null && !FlagCodec.decode(value(KEY)).enabled());
    assertThat(prometheus.queries()).as("the held query is not asked again by later reconciles").isEqualTo(1);

    double reconciled = k8s.metric("flagstaff_reconciles_total{outcome=\"unchanged\"}");
    prometheus.release(); // the answer wakes the flag once more
    await().until(() -> k8s.metric("flagstaff_reconciles_total{outcome=\"unchanged\"}") > reconciled);
    assertThat(FlagCodec.decode(value(KEY)).enabled()).as("a late answer does not undo the rollback").isFalse();
  }

  @Test
  void theStepWaitsForItsChecksAndTheirAnswerMovesItOn() {
    checksFallDue();
    assertThat(value(KEY)).as("no step is passed while its checks are unanswered").isEqualTo(random(1));
    assertThat(k8s.get(NAMESPACE, "checked").getStatus().getRollout().getStep()).isZero();

    prometheus.release(); // no clock move, no wake: the answer itself reconciles the flag
    await().until(() -> random(10).equals(value(KEY)));
    assertThat(k8s.get(NAMESPACE, "checked").getStatus().getRollout().getLastAnalysisAt())
        .isEqualTo("2026-03-02T09:10:00Z");
    assertThat(prometheus.queries()).isEqualTo(1);
  }

  /** The Prometheus query API on loopback; every answer waits until {@link #release()}. */
  private static final class HeldPrometheus implements AutoCloseable {
    private final HttpServer server;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    HeldPrometheus() {
      try {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.setExecutor(Executors.newCachedThreadPool());
      server.createContext("/api/v1/query", this::answer);
      server.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
      queries.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = PASSING.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      answered.incrementAndGet();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int queries() {
      return queries.get();
    }

    int answered() {
      return answered.get();
    }

    void release() {
      gate.countDown();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
