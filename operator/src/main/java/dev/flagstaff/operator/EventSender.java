package dev.flagstaff.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Events without holding the caller: each is queued and POSTed on the Kubernetes client's own asynchronous
 * HTTP (no thread of ours waits for the API server), at most {@value #IN_FLIGHT} at a time, so a burst of new flags
 * does not keep JOSDK's reconcile threads waiting for their Events. An answer of 429 or 5xx, or no answer, is
 * retried after 1, 2 and 4 s; then, or on any other refusal, the Event is dropped with one log line. At most
 * {@value #QUEUED} wait; beyond that an Event is dropped at once (the flags' status holds what Events tell, so
 * nothing is lost but the history line). Each outcome is counted: recorded, failed, dropped.
 */
final class EventSender {
  static final int IN_FLIGHT = 32;
  static final int QUEUED = 20_000;
  private static final int ATTEMPTS = 4;
  private static final Logger LOG = LoggerFactory.getLogger(EventSender.class);

  /** Where each Event's outcome is counted. */
  interface Outcomes {
    void recorded();

    void failed();

    void dropped();

    Outcomes NONE = new Outcomes() {
      @Override
      public void recorded() {}

      @Override
      public void failed() {}

      @Override
      public void dropped() {}
    };
  }

  private record Pending(String namespace, byte[] json, String what, int attempt) {}

  private final KubernetesClient client;
  private final HttpClient http;
  /** The API server's URL without its trailing slash. */
  private final String apiServer;
  private final Outcomes outcomes;
  private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Events accepted and not yet answered for good (recorded, failed or dropped). */
  private final AtomicInteger unfinished = new AtomicInteger();

  EventSender(KubernetesClient client, Outcomes outcomes) {
    this.client = client;
    this.http = client.getHttpClient();
    this.apiServer = client.getMasterUrl().toString().replaceAll("/+$", "");
    this.outcomes = outcomes;
  }

  /** Queues {@code event} for creation and returns at once; {@code what} names it in a log line. */
  void send(Event event, String what) {
    if (queued.incrementAndGet() > QUEUED) {
      queued.decrementAndGet();
      outcomes.dropped();
      LOG.warn("could not record {}: {} Events are already waiting to be sent", what, QUEUED);
      return;
    }
    unfinished.incrementAndGet();
    byte[] json = client.getKubernetesSerialization().asJson(event).getBytes(StandardCharsets.UTF_8);
    waiting.add(new Pending(event.getMetadata().getNamespace(), json, what, 1));
    pump();
  }

  /** Waits until every Event accepted so far is answered for good, or {@code timeout} has passed. */
  void flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (unfinished.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10); // shutdown only; no caller's answer depends on this
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void pump() {
    while (true) {
      int now = inFlight.get();
      if (now >= IN_FLIGHT || waiting.isEmpty()) {
        return;
      }
      if (!inFlight.compareAndSet(now, now + 1)) {
        continue;
      }
      Pending next = waiting.poll();
      if (next == null) {
        inFlight.decrementAndGet();
        continue; // another thread took it; look again
      }
      queued.decrementAndGet();
      post(next);
    }
  }

  private void post(Pending pending) {
    HttpRequest request = http.newHttpRequestBuilder()
        .uri(apiServer + "/api/v1/namespaces/" + pending.namespace() + "/events")
        .post("application/json", pending.json())
        .build();
    CompletableFuture<HttpResponse<byte[]>> answer;
    try {
      answer = http.sendAsync(request, byte[].class);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((response, error) -> {
      inFlight.decrementAndGet();
      settle(pending, response == null ? -1 : response.code(), error);
      pump();
    });
  }

  private void settle(Pending pending, int code, Throwable error) {
    if (code >= 200 && code < 300) {
      outcomes.recorded();
      unfinished.decrementAndGet();
      return;
    }
    boolean retriable = error != null || code == 429 || code >= 500;
    if (retriable && pending.attempt() < ATTEMPTS) {
      long delay = 1L << (pending.attempt() - 1);
      Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.SECONDS);
      later.execute(() -> {
        queued.incrementAndGet();
        waiting.add(new Pending(pending.namespace(), pending.json(), pending.what(), pending.attempt() + 1));
        pump();
      });
      return;
    }
    outcomes.failed();
    unfinished.decrementAndGet();
    LOG.warn("could not record {}: {} after {} attempt(s)", pending.what(),
        error != null ? "no answer (" + error.getClass().getSimpleName() + ")" : "HTTP " + code, pending.attempt());
  }
}
