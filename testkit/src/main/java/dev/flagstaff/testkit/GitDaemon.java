package dev.flagstaff.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Git server on loopback for tests: Debian's {@code git daemon} serving one bare repository
 * ({@code flags.git}, branch {@code main}, pushes allowed) whose first commit holds the given files.
 */
public final class GitDaemon implements AutoCloseable {
  private final Path bare;
  private final Process daemon;
  private final String url;

  private GitDaemon(Path bare, Process daemon, String url) {
    this.bare = bare;
    this.daemon = daemon;
    this.url = url;
  }

  /** Whether {@code git daemon} is installed (tests assume it, and are skipped without). */
  public static boolean installed() {
    return new File("/usr/lib/git-core/git-daemon").canExecute()
        || new File("/usr/libexec/git-core/git-daemon").canExecute();
  }

  /**
   * Creates {@code dir/repos/flags.git} with one commit on {@code main} holding {@code files} (path in the
   * repository → file to copy), serves it on a free loopback port, and returns once {@code git ls-remote} answers.
   */
  public static GitDaemon start(Path dir, Map<String, Path> files) {
    try {
      Path repos = dir.resolve("repos");
      Path bare = repos.resolve("flags.git");
      Files.createDirectories(bare);
      git(bare, "init", "--bare", "-q", "-b", "main");
      Path seed = dir.resolve("seed");
      git(dir, "clone", "-q", bare.toString(), seed.toString());
      for (Map.Entry<String, Path> file : files.entrySet()) {
        Path target = seed.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.copy(file.getValue(), target);
        git(seed, "add", file.getKey());
      }
      git(seed, "commit", "-q", "-m", "define the flags");
      git(seed, "push", "-q", "origin", "HEAD:main");
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Process daemon = new ProcessBuilder("git", "daemon", "--export-all", "--enable=receive-pack", "--reuseaddr",
          "--listen=127.0.0.1", "--port=" + port, "--base-path=" + repos, repos.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
      String url = "git://127.0.0.1:" + port + "/flags.git";
      GitDaemon started = new GitDaemon(bare, daemon, url);
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!answers(url)) {
        if (System.nanoTime() > deadline || !daemon.isAlive()) {
          started.close();
          throw new IllegalStateException("git daemon did not answer on " + url + ": "
              + Files.readString(dir.resolve("daemon.log")));
        }
        Thread.sleep(50);
      }
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code git://127.0.0.1:PORT/flags.git}. */
  public String url() {
    return url;
  }

  /** The bare repository the daemon serves (for {@code git rev-parse main} and the like). */
  public Path bare() {
    return bare;
  }

  /** Runs git in {@code in} (as Grace, for commits), failing on a non-zero exit; returns its stripped output. */
  public static String git(Path in, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Grace", "-c", "user.email=grace@example.com"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
      return out.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean answers(String url) throws IOException, InterruptedException {
    Process probe = new ProcessBuilder("git", "ls-remote", url).redirectErrorStream(true).start();
    probe.getInputStream().readAllBytes();
    return probe.waitFor() == 0;
  }

  @Override
  public void close() {
    daemon.destroy();
    try {
      daemon.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
