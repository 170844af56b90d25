package dev.flagstaff.testkit.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A command-line tool run to completion: kubectl or helm against a kubeconfig, as a user would type it. */
public final class Cli {
  /** What the command printed and how it ended. */
  public record Result(int exitCode, String out, String err) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** Fails with what the command printed unless it exited 0. */
    public Result orThrow() {
      if (!ok()) {
        throw new IllegalStateException("exit " + exitCode + ":\n" + out + err);
      }
      return this;
    }
  }

  private final Path binary;
  private final Map<String, String> env;

  private Cli(Path binary, Map<String, String> env) {
    this.binary = binary;
    this.env = env;
  }

  /** {@code kubectl} with {@code KUBECONFIG} set. */
  public static Cli kubectl(KubeBinaries binaries, Path kubeconfig) {
    return new Cli(binaries.kubectl(), Map.of("KUBECONFIG", kubeconfig.toString()));
  }

  /** {@code helm} with {@code KUBECONFIG} set and its caches under {@code home}. */
  public static Cli helm(KubeBinaries binaries, Path kubeconfig, Path home) {
    Path helm = binaries.helm().orElseThrow(() -> new IllegalStateException("helm not found beside "
        + binaries.folder() + " nor on the PATH: testkit/kube/build.sh installs it"));
    return new Cli(helm, Map.of("KUBECONFIG", kubeconfig.toString(),
        "HELM_CACHE_HOME", home.resolve("cache").toString(),
        "HELM_CONFIG_HOME", home.resolve("config").toString(),
        "HELM_DATA_HOME", home.resolve("data").toString()));
  }

  public Result run(String... args) {
    return run(List.of(args));
  }

  public Result run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish within 120 s");
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(java.io.InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
