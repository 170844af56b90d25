package dev.flagstaff.endpoint.flags;

/** Where the flags come from: the ConfigMap through the API, or the ConfigMap mounted as files. */
public interface FlagsSource extends AutoCloseable {
  /** Starts reading into the store; the store becomes ready once the first read has finished. */
  void start();

  /** Words for /flags and the logs, e.g. {@code configmap default/feature-flags}. */
  String describe();

  @Override
  void close();
}
