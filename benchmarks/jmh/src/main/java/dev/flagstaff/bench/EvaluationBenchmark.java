package dev.flagstaff.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * What every P1 benchmark shares: average time per evaluation in nanoseconds, and the rotating actors. Each call
 * takes the next actor of a 1024-entry pool, so neither the JIT nor a peer's cache sees one constant actor.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class EvaluationBenchmark {
  private final String[] actors = Shapes.population(Shapes.POOL);
  private final String[] listed = Shapes.listedPool();
  private int next;

  protected final String nextActor() {
    return actors[next++ & Shapes.MASK];
  }

  protected final String nextListed() {
    return listed[next++ & Shapes.MASK];
  }

  /** For peers that take a context object: the index of the next entry in a pool built from the same actors. */
  protected final int nextIndex() {
    return next++ & Shapes.MASK;
  }

  protected static String[] actorPool() {
    return Shapes.population(Shapes.POOL);
  }
}
