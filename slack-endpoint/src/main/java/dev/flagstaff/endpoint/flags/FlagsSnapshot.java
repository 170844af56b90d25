package dev.flagstaff.endpoint.flags;

import dev.flagstaff.flags.FlagState;
import java.time.Instant;
import java.util.Map;

/**
 * The flags as last read, immutable, swapped whole on every change.
 *
 * @param flags key → the last good state of that key
 * @param owners key → who owns the flag, in words, when the value says so
 * @param problems key → why the current value of that key was refused (the previous good value is in {@code flags});
 *     the empty key "" holds a problem with the source as a whole
 * @param version the ConfigMap's resourceVersion (or the file's version), {@code null} before the first read
 * @param readAt when that version was read, {@code null} before the first read
 * @param loaded whether the first read has finished (readiness)
 * @param stale whether the source has gone away since (the ConfigMap was deleted): these are the last good flags
 * @param note what a reader of {@code /flags} should know, or {@code null}
 */
public record FlagsSnapshot(Map<String, FlagState> flags, Map<String, String> owners, Map<String, String> problems,
    String version, Instant readAt, boolean loaded, boolean stale, String note) {

  public static final FlagsSnapshot NOT_LOADED =
      new FlagsSnapshot(Map.of(), Map.of(), Map.of(), null, null, false, false, "not read yet");
}
