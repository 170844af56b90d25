package dev.flagstaff.chatops.git;

import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.Planner;
import dev.flagstaff.chatops.file.ManifestFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * The {@code git} write target: the change is committed to the flag's manifest in a Git repository (the one GitOps
 * syncs), with the person as author and the command as message, and pushed. When the push is not a fast-forward
 * (someone pushed meanwhile), it fetches, starts again from the fresh branch and plans the command again against
 * the file as it now reads, so their change survives and nothing is written from a stale read. Credentials go to
 * JGit only; they are never printed.
 */
public final class GitTarget {
  private static final int MAX_ATTEMPTS = 5;

  /** What a commit came to: the edit (with its refusal, if any) and the pushed commit id (null when none). */
  public record Result(ManifestFile.Edit edit, String commit, int attempts) {}

  private final String url;
  private final String branch;
  private final CredentialsProvider credentials;
  /** Runs before each push: a test's place for a concurrent push. */
  Runnable beforePush = () -> { };

  public GitTarget(String url, String branch, CredentialsProvider credentials) {
    this.url = url;
    this.branch = branch;
    this.credentials = credentials;
  }

  /** Edits {@code path} (inside the repository) as {@code command} says, commits and pushes; or only diffs. */
  public Result carryOut(Command command, Planner planner, String path, PersonIdent author, boolean dryRun)
      throws IOException, GitAPIException {
    Path dir = Files.createTempDirectory("flagstaff-git-");
    try (Git git = Git.cloneRepository().setURI(url).setBranch(branch).setDirectory(dir.toFile())
        .setCredentialsProvider(credentials).call()) {
      for (int attempt = 1; ; attempt++) {
        Path file = dir.resolve(path);
        ManifestFile manifest = new ManifestFile(file, new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()), "");
        if (!Files.exists(file)) {
          throw new IOException(path + " is not in " + branch + " of the repository");
        }
        ManifestFile.Edit edit = manifest.edit(command, planner);
        if (edit.refusal() != null || dryRun || edit.before().equals(edit.after())) {
          return new Result(edit, null, attempt);
        }
        manifest.write(edit);
        if (edit.after().isEmpty()) {
          git.rm().addFilepattern(path).call();
        } else {
          git.add().addFilepattern(path).call();
        }
        RevCommit commit = git.commit().setMessage(command.text()).setAuthor(author).setCommitter(author).call();
        beforePush.run();
        if (pushed(git)) {
          return new Result(edit, commit.getName(), attempt);
        }
        if (attempt == MAX_ATTEMPTS) {
          throw new IOException("the push to " + branch + " was refused " + attempt + " times: someone keeps pushing;"
              + " try again");
        }
        git.fetch().setCredentialsProvider(credentials).call();
        git.reset().setMode(ResetCommand.ResetType.HARD).setRef("origin/" + branch).call();
      }
    } finally {
      delete(dir);
    }
  }

  private boolean pushed(Git git) throws GitAPIException, IOException {
    for (PushResult result : git.push().setRemote("origin").setRefSpecs(new RefSpec("HEAD:refs/heads/" + branch))
        .setCredentialsProvider(credentials).call()) {
      for (RemoteRefUpdate update : result.getRemoteUpdates()) {
        switch (update.getStatus()) {
          case OK, UP_TO_DATE -> { }
          case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
            return false;
          }
          case REJECTED_OTHER_REASON -> {
            if (update.getMessage() != null && update.getMessage().contains("fetch first")) {
              return false;
            }
            throw new IOException("the push was refused: " + update.getMessage());
          }
          default -> throw new IOException("the push was refused: " + update.getStatus()
              + (update.getMessage() == null ? "" : ": " + update.getMessage()));
        }
      }
    }
    return true;
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
