package dev.flagstaff.endpoint.chatops;

import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.Planner;
import dev.flagstaff.chatops.command.Refusal;
import dev.flagstaff.chatops.git.GitTarget;
import dev.flagstaff.runtime.Secret;
import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The {@code git} target: the change is committed to {@code <FLAGSTAFF_CHATOPS_GIT_PATH>/<flag name>.yaml} (the flag
 * key with {@code _} as {@code -}) on the branch, the Slack user as author and the command line as message, and
 * pushed with chatops' {@link GitTarget} (fetch and retry on a non-fast-forward). GitOps then syncs it; the reply
 * gives the commit id. Credentials go to JGit only; user information in a URL never reaches a message.
 */
final class GitWriteTarget implements WriteTarget {
  private final GitTarget git;
  private final String url;
  private final String branch;
  private final String folder;
  private final Planner planner;

  GitWriteTarget(String url, String branch, String folder, String username, Secret password, Planner planner) {
    this.git = new GitTarget(url, branch, username == null ? null
        : new UsernamePasswordCredentialsProvider(username, password == null ? "" : password.reveal()));
    this.url = url;
    this.branch = branch;
    this.folder = folder == null ? "" : folder.replaceAll("^/+|/+$", "");
    this.planner = planner;
  }

  static String file(String folder, String flag) {
    String name = flag.replace('_', '-') + ".yaml";
    return folder.isEmpty() ? name : folder + "/" + name;
  }

  @Override
  public Outcome change(Command command, Requester who) throws IOException, GitAPIException {
    String flag = Messages.flagOf(command);
    String path = file(folder, flag);
    PersonIdent author = new PersonIdent(who.userName() == null || who.userName().isEmpty() ? who.user()
        : who.userName(), who.user() + "@" + who.team() + ".slack");
    GitTarget.Result result;
    try {
      result = git.carryOut(command, planner, path, author, false);
    } catch (IOException e) {
      throw new IOException(stripped(e.getMessage()));
    } catch (GitAPIException e) {
      throw new IOException("Git (" + stripped(url) + ", " + branch + "): " + stripped(e.getMessage()));
    }
    if (result.edit().refusal() != null) {
      return new Outcome.Refused(result.edit().refusal());
    }
    List<String> summary = result.edit().plan() instanceof dev.flagstaff.chatops.command.Plan.Change change
        ? change.transitions().stream().map(Object::toString).toList() : List.of();
    if (result.commit() == null) {
      return new Outcome.Refused(Refusal.of(path + " on " + branch + " already reads so: nothing to commit.",
          "get " + flag));
    }
    return new Outcome.Done(flag, summary, List.of(new Outcome.Row(branch + ":" + path, "-", "committed", "-", "-")),
        result.commit().substring(0, 12), null);
  }

  /** A message with any {@code user:password@} of a URL removed. */
  static String stripped(String message) {
    return message == null ? "" : message.replaceAll("://[^/@\\s]+@", "://");
  }
}
