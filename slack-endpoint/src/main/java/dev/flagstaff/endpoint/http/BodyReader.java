package dev.flagstaff.endpoint.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body with Jetty's asynchronous content API: {@link Request#read()} while chunks are there,
 * {@link Request#demand(Runnable)} when none is, so no thread waits for bytes that a slow client has not sent. The
 * whole request (from its first byte) must arrive within a deadline; past it, or past {@code maxBytes}, the reading
 * stops and the outcome says why. Exactly one outcome method is called, once, on a Jetty or scheduler thread.
 */
final class BodyReader implements Runnable {
  /** What became of the body. */
  interface Outcome {
    void body(byte[] body);

    void tooLarge();

    void timedOut();

    void unreadable();
  }

  private final Request request;
  private final int maxBytes;
  private final Outcome outcome;
  private final AtomicBoolean settled = new AtomicBoolean();
  private byte[] buffer;
  private int length;
  private Scheduler.Task deadlineTask;

  private BodyReader(Request request, int maxBytes, Outcome outcome) {
    this.request = request;
    this.maxBytes = maxBytes;
    this.outcome = outcome;
    long declared = request.getLength();
    this.buffer = new byte[declared > 0 && declared <= maxBytes ? (int) declared : 1024];
  }

  /** Starts reading; returns at once. */
  static void read(Request request, int maxBytes, Duration deadline, Outcome outcome) {
    BodyReader reader = new BodyReader(request, maxBytes, outcome);
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.getBeginNanoTime());
    long remaining = deadline.toMillis() - Math.max(0, elapsed);
    if (remaining <= 0) {
      reader.settle().ifPresent(Outcome::timedOut);
      return;
    }
    reader.deadlineTask = request.getComponents().getScheduler()
        .schedule(() -> reader.settle().ifPresent(Outcome::timedOut), remaining, TimeUnit.MILLISECONDS);
    reader.run();
  }

  /** Called at first and by Jetty whenever content may be there: reads all that is, then asks for more. */
  @Override
  public void run() {
    try {
      readAvailable();
    } catch (RuntimeException e) {
      settle().ifPresent(Outcome::unreadable);
    }
  }

  private void readAvailable() {
    while (!settled.get()) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        settle().ifPresent(Outcome::unreadable);
        return;
      }
      int size = chunk.remaining();
      if (size > maxBytes - length) {
        chunk.release();
        settle().ifPresent(Outcome::tooLarge);
        return;
      }
      if (length + size > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.min(maxBytes, Math.max(buffer.length * 2, length + size)));
      }
      chunk.get(buffer, length, size);
      length += size;
      boolean last = chunk.isLast();
      chunk.release();
      if (last) {
        byte[] body = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        settle().ifPresent(o -> o.body(body));
        return;
      }
    }
  }

  /** The outcome to call, present for the first caller only; the deadline is cancelled. */
  private java.util.Optional<Outcome> settle() {
    if (!settled.compareAndSet(false, true)) {
      return java.util.Optional.empty();
    }
    if (deadlineTask != null) {
      deadlineTask.cancel();
    }
    buffer = null;
    return java.util.Optional.of(outcome);
  }
}
