package dev.flagstaff.chatops.kubectl;

import dev.flagstaff.chatops.command.Command;
import dev.flagstaff.chatops.command.Plan;
import dev.flagstaff.chatops.command.Planner;
import dev.flagstaff.chatops.command.Refusal;
import dev.flagstaff.chatops.git.GitTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/** {@code --git URL --file PATH}: the plugin's front end to the git write target. */
final class GitCommand {
  private static final Pattern AUTHOR = Pattern.compile("\\s*(.+?)\\s*<([^>]+)>\\s*");

  private final PrintWriter out;
  private final PrintWriter err;
  private final String prefix;

  GitCommand(PrintWriter out, PrintWriter err, String prefix) {
    this.out = out;
    this.err = err;
    this.prefix = prefix;
  }

  int run(Command command, Planner planner, String url, String branch, String path, String author, boolean dryRun) {
    PersonIdent ident;
    if (author != null) {
      Matcher m = AUTHOR.matcher(author);
      if (!m.matches()) {
        err.println(Refusal.of("--author is written 'Name <email>'.", command.text() + " --author 'Ada <ada@example.com>'")
            .render(prefix));
        return 2;
      }
      ident = new PersonIdent(m.group(1), m.group(2));
    } else {
      String user = System.getProperty("user.name", "flagstaff");
      ident = new PersonIdent(user, user + "@localhost");
    }
    String username = System.getenv("FLAGSTAFF_GIT_USERNAME");
    String token = System.getenv("FLAGSTAFF_GIT_TOKEN");
    CredentialsProvider credentials = token == null ? null
        : new UsernamePasswordCredentialsProvider(username == null ? "git" : username, token);
    GitTarget.Result result;
    try {
      result = new GitTarget(url, branch, credentials).carryOut(command, planner, path, ident, dryRun);
    } catch (IOException | GitAPIException e) {
      err.println("error: " + shown(String.valueOf(e.getMessage())) + "\nNothing was pushed.");
      return 1;
    }
    if (result.edit().refusal() != null) {
      err.println(result.edit().refusal().render(prefix));
      return result.edit().code();
    }
    out.print(result.edit().diff(path));
    Plan.Change change = (Plan.Change) result.edit().plan();
    if (result.commit() != null) {
      out.println("committed " + result.commit() + " to " + branch + " of " + shown(url)
          + (result.attempts() > 1 ? " (after " + (result.attempts() - 1) + " fetch and retry)" : ""));
    } else if (!dryRun) {
      out.println(path + " unchanged: nothing to commit");
    }
    change.transitions().forEach(t -> out.println("  " + t));
    return 0;
  }

  /** A URL or message without the user information a URL may carry (https://user:token@host). */
  static String shown(String text) {
    return text.replaceAll("://[^/@\\s]+@", "://");
  }
}
