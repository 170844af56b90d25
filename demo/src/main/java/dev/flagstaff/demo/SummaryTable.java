package dev.flagstaff.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table whose columns fit their widest cell. */
final class SummaryTable {
  private final List<String[]> rows = new ArrayList<>();
  private final String[] header;

  SummaryTable(String... header) {
    this.header = header;
  }

  void add(String... row) {
    rows.add(row);
  }

  void print(PrintStream out) {
    int[] widths = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      widths[i] = header[i].length();
    }
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    line(out, header, widths);
    StringBuilder rule = new StringBuilder();
    for (int w : widths) {
      rule.append("-".repeat(w)).append("  ");
    }
    out.println(rule.toString().stripTrailing());
    rows.forEach(row -> line(out, row, widths));
  }

  private static void line(PrintStream out, String[] cells, int[] widths) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      s.append(cells[i]).append(" ".repeat(widths[i] - cells[i].length() + 2));
    }
    out.println(s.toString().stripTrailing());
  }
}
