package dev.flagstaff.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * The GitOps loop with a Git source, as Argo CD and Flux have: a clone of {@code url} in a temp folder, and on each
 * poll a fetch and a hard reset to {@code origin/<branch>}, then the folder {@code path} applied (and pruned) by
 * {@link WatchLoop}. An unreachable repository, a missing branch or folder is printed in one line and retried.
 */
final class GitWatch {
  static final Duration POLL = Duration.ofSeconds(2);

  private final String url;
  private final String branch;
  private final String path;
  private final PrintStream out;
  private final Path checkout;
  private final WatchLoop loop;
  private Git git;
  private String lastError;
  private ObjectId lastCommit;

  GitWatch(EmbeddedFlagstaff flagstaff, String url, String branch, String path, PrintStream out) throws IOException {
    this.url = url;
    this.branch = branch;
    this.path = path;
    this.out = out;
    this.checkout = Files.createTempDirectory("flagstaff-watch-repo");
    this.loop = new WatchLoop(flagstaff, checkout.resolve(path), out);
  }

  void run() throws InterruptedException {
    out.printf("Watching %s (branch %s, folder %s) every %ds: fetch, hard reset to origin/%s, apply and prune. "
        + "Ctrl-C to stop.%n", url, branch, path, POLL.toSeconds(), branch);
    try {
      while (!Thread.currentThread().isInterrupted()) {
        syncOnce();
        Thread.sleep(POLL.toMillis());
      }
    } finally {
      if (git != null) {
        git.close();
      }
    }
  }

  /** One pass: fetch, reset, apply; a failure is reported (once while it lasts) and the next pass retries. */
  void syncOnce() {
    try {
      ObjectId commit = pull();
      if (!commit.equals(lastCommit)) {
        out.printf("[%s] at %s %s%n", url, branch, commit.abbreviate(12).name());
        lastCommit = commit;
      }
      if (!Files.isDirectory(checkout.resolve(path))) {
        throw new IllegalStateException("no folder '" + path + "' in " + branch + " at " + commit.abbreviate(12).name()
            + " (nothing applied, nothing pruned)");
      }
      loop.syncOnce();
      if (lastError != null) {
        out.printf("[%s] reachable again%n", url);
        lastError = null;
      }
    } catch (GitAPIException | IOException | URISyntaxException | RuntimeException e) {
      String message = oneLine(e);
      if (!message.equals(lastError)) {
        out.printf("[%s] not synced, retrying every %ds: %s%n", url, POLL.toSeconds(), message);
        lastError = message;
      }
    }
  }

  private ObjectId pull() throws GitAPIException, IOException, URISyntaxException {
    if (git == null) {
      Git fresh = Git.init().setDirectory(checkout.toFile()).call();
      fresh.remoteAdd().setName("origin").setUri(new URIish(url)).call();
      git = fresh;
    }
    git.fetch().setRemote("origin").setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"))
        .setRemoveDeletedRefs(true).call();
    ObjectId commit = git.getRepository().resolve("refs/remotes/origin/" + branch);
    if (commit == null) {
      throw new IllegalStateException("no branch '" + branch + "' in " + url);
    }
    git.reset().setMode(ResetCommand.ResetType.HARD).setRef(commit.name()).call();
    return commit;
  }

  private static String oneLine(Throwable e) {
    StringBuilder message = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !message.toString().contains(t.getMessage())) {
        message.append(message.length() == 0 ? "" : ": ").append(t.getMessage());
      }
    }
    return message.length() == 0 ? e.getClass().getSimpleName() : message.toString().replace('\n', ' ');
  }
}
