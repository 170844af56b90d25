package dev.flagstaff.endpoint.events;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded in-process worker: a fixed number of threads and a bounded queue. When the queue is full the task
 * is refused (the caller has already acknowledged Slack; the event is dropped and counted): holding the HTTP
 * response until there is room would make Slack time out after 3 s, retry, and eventually disable the app.
 */
public final class Worker implements AutoCloseable {
  private final ThreadPoolExecutor executor;

  public Worker(int threads, int capacity, MeterRegistry registry) {
    AtomicInteger n = new AtomicInteger();
    executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(capacity), r -> {
          Thread t = new Thread(r, "slack-worker-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    Gauge.builder("flagstaff.worker.queue.depth", executor, e -> e.getQueue().size())
        .description("Events waiting for a worker thread").register(registry);
    Gauge.builder("flagstaff.worker.queue.capacity", () -> capacity)
        .description("Events that can wait before new ones are dropped").register(registry);
  }

  /** False when the queue is full (or the worker is shutting down): the task was not accepted. */
  public boolean submit(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Stops taking work and lets queued events finish for at most {@code millis}. */
  public void drain(long millis) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    drain(0);
  }
}
