package dev.flagstaff.chatops.file;

import java.util.ArrayList;
import java.util.List;

/** A unified diff of two texts by lines ({@code git diff}'s format, three lines of context). */
public final class UnifiedDiff {
  private static final int CONTEXT = 3;

  private UnifiedDiff() {}

  private record Line(char op, String text, int oldNo, int newNo) {}

  public static String of(String path, List<String> before, List<String> after) {
    List<Line> script = script(before, after);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < script.size()) {
      if (script.get(i).op() == ' ') {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      int lastChange = i;
      while (end < script.size() && (script.get(end).op() != ' ' || end - lastChange <= 2 * CONTEXT)) {
        if (script.get(end).op() != ' ') {
          lastChange = end;
        }
        end++;
      }
      end = Math.min(script.size(), lastChange + CONTEXT + 1);
      if (out.length() == 0) {
        boolean absolute = path.startsWith("/");
        out.append("--- ").append(absolute ? "" : "a/").append(path).append('\n')
            .append("+++ ").append(after.isEmpty() ? "/dev/null" : (absolute ? "" : "b/") + path).append('\n');
      }
      int oldCount = 0;
      int newCount = 0;
      for (int k = start; k < end; k++) {
        oldCount += script.get(k).op() != '+' ? 1 : 0;
        newCount += script.get(k).op() != '-' ? 1 : 0;
      }
      Line first = script.get(start);
      out.append("@@ -").append(oldCount == 0 ? first.oldNo() - 1 : first.oldNo()).append(',').append(oldCount)
          .append(" +").append(newCount == 0 ? first.newNo() - 1 : first.newNo()).append(',').append(newCount).append(" @@\n");
      for (int k = start; k < end; k++) {
        out.append(script.get(k).op()).append(script.get(k).text()).append('\n');
      }
      i = end;
    }
    return out.toString();
  }

  /** The edit script of a longest common subsequence, with each line's number in the old and the new text. */
  private static List<Line> script(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<Line> script = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        script.add(new Line(' ', a.get(i), ++i, ++j));
      } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
        script.add(new Line('-', a.get(i), ++i, j + 1));
      } else {
        script.add(new Line('+', b.get(j), i + 1, ++j));
      }
    }
    return script;
  }
}
