package dev.flagstaff.chatops.command;

import java.util.List;

/**
 * Why a command was not carried out, and what to type instead. Suggestions are command texts without a prefix,
 * so that each front end shows them as its users type them ({@code kubectl flagstaff ...}, {@code /flagstaff ...}).
 */
public record Refusal(String reason, List<String> suggestions) {
  public Refusal {
    suggestions = List.copyOf(suggestions);
  }

  public static Refusal of(String reason, String... suggestions) {
    return new Refusal(reason, List.of(suggestions));
  }

  /** The reason, then one line per suggestion, each command prefixed as the front end's users type it. */
  public String render(String prefix) {
    StringBuilder text = new StringBuilder(reason);
    if (!suggestions.isEmpty()) {
      text.append(suggestions.size() == 1 ? "\nType instead:" : "\nType instead, in this order:");
      suggestions.forEach(s -> text.append("\n  ").append(prefix).append(s));
    }
    return text.toString();
  }
}
