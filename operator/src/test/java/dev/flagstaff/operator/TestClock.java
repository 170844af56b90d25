package dev.flagstaff.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test moves by hand, so that timed behaviour is tested without waiting through real minutes. */
public final class TestClock extends Clock {
  private volatile Instant now;
  private final java.util.concurrent.atomic.AtomicReference<Runnable> onReconcile =
      new java.util.concurrent.atomic.AtomicReference<>();

  public TestClock(Instant start) {
    this.now = start;
  }

  public void advance(Duration by) {
    now = now.plus(by);
  }

  /**
   * Runs {@code action} once, the next time a reconcile (a JOSDK reconciler thread) reads the time: after it has read
   * the FeatureFlag and before it writes anything, so a test can inject another writer's change in between.
   */
  public void duringNextReconcile(Runnable action) {
    onReconcile.set(action);
  }

  @Override
  public Instant instant() {
    if (onReconcile.get() != null && Thread.currentThread().getName().startsWith("ReconcilerExecutor")) {
      Runnable action = onReconcile.getAndSet(null);
      if (action != null) {
        action.run();
      }
    }
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
