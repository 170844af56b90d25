package dev.flagstaff.operator.configmap;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of key changes, per namespace: when no write of that namespace's ConfigMap is in flight, a change
 * goes out at once, alone (no added latency when idle); while one is in flight, the changes that arrive queue up and
 * the next write carries all of them. The caller's thread blocks until its own change is written or refused, and
 * learns its own outcome: one change refused (no room for it) does not fail the others in its batch.
 *
 * <p>No thread of its own: the first waiting caller to find the namespace idle writes the batch, its own change
 * among it. A batch holds each key at most once, in the order the changes arrived; a second change of a key already
 * in the batch waits for the next one, so the ConfigMap goes through the same values as with one write per change.
 */
final class GroupCommit {
  /**
   * One key to set to {@code value}, or to remove when {@code value} is null.
   *
   * @param flag the FeatureFlag writing it (null for a removal): told when there is no room for it
   */
  record Change(String key, String value, ResourceID flag) {}

  /** What became of one change: the ConfigMap's resourceVersion that holds it (null if none), or why it failed. */
  record Outcome(String version, boolean changed, RuntimeException failure) {
    static Outcome written(String version, boolean changed) {
      return new Outcome(version, changed, null);
    }

    static Outcome failed(RuntimeException failure) {
      return new Outcome(null, false, failure);
    }
  }

  /** Writes a batch of changes (distinct keys) to one namespace's ConfigMap: one outcome per change, in order. */
  interface BatchWriter {
    List<Outcome> write(String namespace, List<Change> changes);
  }

  private static final class Pending {
    final Change change;
    Outcome outcome;

    Pending(Change change) {
      this.change = change;
    }
  }

  private static final class Lane {
    final ReentrantLock lock = new ReentrantLock();
    final Condition done = lock.newCondition();
    final ArrayDeque<Pending> queue = new ArrayDeque<>();
    boolean inFlight;
  }

  private final BatchWriter writer;
  private final ConcurrentMap<String, Lane> lanes = new ConcurrentHashMap<>();

  GroupCommit(BatchWriter writer) {
    this.writer = writer;
  }

  /**
   * Writes {@code change} to {@code namespace}'s ConfigMap, alone or with the others waiting, and returns its outcome
   * once written; its failure is thrown.
   */
  Outcome commit(String namespace, Change change) {
    Lane lane = lanes.computeIfAbsent(namespace, n -> new Lane());
    Pending mine = new Pending(change);
    lane.lock.lock();
    try {
      lane.queue.addLast(mine);
      while (mine.outcome == null) {
        if (!lane.inFlight) {
          writeNextBatch(namespace, lane);
        } else if (!await(lane, mine)) {
          throw new IllegalStateException("interrupted before key '" + change.key() + "' was written");
        }
      }
    } finally {
      lane.lock.unlock();
    }
    if (mine.outcome.failure() != null) {
      throw mine.outcome.failure();
    }
    return mine.outcome;
  }

  /** How many changes wait for the write in flight of {@code namespace} to end (for tests). */
  int waiting(String namespace) {
    Lane lane = lanes.get(namespace);
    if (lane == null) {
      return 0;
    }
    lane.lock.lock();
    try {
      return lane.queue.size();
    } finally {
      lane.lock.unlock();
    }
  }

  /** Waits for the write in flight; false when interrupted before {@code mine} was taken into one (then withdrawn). */
  private static boolean await(Lane lane, Pending mine) {
    try {
      lane.done.await();
      return true;
    } catch (InterruptedException e) {
      if (lane.queue.remove(mine)) {
        Thread.currentThread().interrupt();
        return false;
      }
      Thread.currentThread().interrupt(); // already being written: wait for its outcome, keep the interrupt
      lane.done.awaitUninterruptibly();
      return true;
    }
  }

  /** Called holding the lock with nothing in flight: takes the queued changes, writes them unlocked, hands out. */
  private void writeNextBatch(String namespace, Lane lane) {
    List<Pending> batch = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (Pending p : lane.queue) {
      if (!keys.add(p.change.key())) {
        break; // the same key twice: the second goes in the next batch, after the first is written
      }
      batch.add(p);
    }
    batch.forEach(lane.queue::remove);
    lane.inFlight = true;
    List<Outcome> outcomes = null;
    RuntimeException failure = null;
    lane.lock.unlock();
    try {
      outcomes = writer.write(namespace, batch.stream().map(p -> p.change).toList());
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      lane.lock.lock();
      if (failure == null && outcomes == null) {
        failure = new IllegalStateException("the write of ConfigMap keys " + keys + " did not complete");
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).outcome = failure != null ? Outcome.failed(failure) : outcomes.get(i);
      }
      lane.inFlight = false;
      lane.done.signalAll();
    }
  }
}
