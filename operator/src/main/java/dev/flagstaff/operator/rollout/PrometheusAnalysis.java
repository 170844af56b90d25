package dev.flagstaff.operator.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.AnalysisQuery;
import dev.flagstaff.flags.StateWords;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a rollout's checks against the Prometheus HTTP API: {@code GET <address>/api/v1/query?query=...}, an instant
 * query. Every sample of the resulting vector (or the scalar) must be at or below max and at or above min; no data
 * (or only NaN) fails the check, as Flagger does, unless it says {@code onNoData: pass}, which is then said so. A connection failure, a timeout or a 5xx is {@code UNAVAILABLE}; a 400/422
 * ({@code bad_data}: the PromQL is wrong) is {@code REFUSED}.
 */
public final class PrometheusAnalysis implements Analyst {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration timeout;

  public PrometheusAnalysis(Duration timeout) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
  }

  /**
   * Asks Prometheus every query of the analysis at once, on the HTTP client's threads, and returns at once; the
   * answer completes when all queries have answered, or as unavailable once the timeout has passed in total,
   * however many queries the plan has.
   */
  @Override
  public CompletableFuture<AnalysisResult> run(Analysis analysis) {
    String base = analysis.getPrometheus().replaceAll("/+$", "");
    List<AnalysisQuery> checks = analysis.getQueries();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (AnalysisQuery check : checks) {
      URI uri;
      try {
        uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(check.getQuery(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        answers.forEach(f -> f.cancel(true));
        return CompletableFuture.completedFuture(AnalysisResult.refused("the address " + base + " is not a valid URL"));
      }
      answers.add(http.sendAsync(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
          .GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((done, e) -> {
          if (e == null) {
            return evaluate(base, checks, answers);
          }
          answers.forEach(f -> f.cancel(true));
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof TimeoutException) {
            return AnalysisResult.unavailable(base + " did not answer " + checks.size() + " queries within "
                + timeout.toSeconds() + "s");
          }
          return AnalysisResult.unavailable(base + " did not answer: " + describe(cause));
        });
  }

  private static AnalysisResult evaluate(String base, List<AnalysisQuery> checks,
      List<CompletableFuture<HttpResponse<String>>> answers) {
    List<String> failed = new ArrayList<>();
    List<String> noData = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      AnalysisQuery check = checks.get(i);
      HttpResponse<String> response = answers.get(i).join();
      JsonNode body;
      try {
        body = JSON.readTree(response.body());
      } catch (IOException e) {
        body = null;
      }
      int code = response.statusCode();
      if (code == 400 || code == 422) {
        String error = body == null ? "HTTP " + code : body.path("errorType").asText("") + ": " + body.path("error").asText("");
        return AnalysisResult.refused(check.getName() + ": " + error);
      }
      if (code != 200 || body == null || !"success".equals(body.path("status").asText())) {
        return AnalysisResult.unavailable(base + " answered HTTP " + code);
      }
      List<Double> values = values(body.path("data"));
      if (values.isEmpty() && check.passesWithoutData()) {
        noData.add(check.getName());
      } else if (values.isEmpty()) {
        failed.add(check.getName() + ": no data (check the query and the metric's name; onNoData: pass lets it pass)");
      }
      for (double value : values) {
        String problem = outOfBounds(check, value);
        if (problem != null) {
          failed.add(check.getName() + ": " + problem);
          break;
        }
      }
    }
    if (!failed.isEmpty()) {
      return AnalysisResult.failed(failed);
    }
    return AnalysisResult.passed(noData.isEmpty() ? null : "no data for " + String.join(", ", noData));
  }

  /** The non-NaN values of an instant query's result: a vector's samples or a scalar. */
  static List<Double> values(JsonNode data) {
    List<Double> values = new ArrayList<>();
    JsonNode result = data.path("result");
    switch (data.path("resultType").asText()) {
      case "vector":
        for (JsonNode sample : result) {
          add(values, sample.path("value").path(1).asText());
        }
        break;
      case "scalar":
        add(values, result.path(1).asText());
        break;
      default:
        break;
    }
    return values;
  }

  private static void add(List<Double> values, String text) {
    try {
      double value = "+Inf".equals(text) ? Double.POSITIVE_INFINITY
          : "-Inf".equals(text) ? Double.NEGATIVE_INFINITY : Double.parseDouble(text);
      if (!Double.isNaN(value)) {
        values.add(value);
      }
    } catch (NumberFormatException e) {
      // anything else is no data
    }
  }

  static String outOfBounds(AnalysisQuery check, double value) {
    if (check.getMax() != null && value > check.getMax()) {
      return format(value) + " > max " + format(check.getMax());
    }
    if (check.getMin() != null && value < check.getMin()) {
      return format(value) + " < min " + format(check.getMin());
    }
    return null;
  }

  private static String format(double value) {
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return StateWords.formatPercentage(Math.round(value * 1e6) / 1e6);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
  }
}
