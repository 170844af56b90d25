package dev.flagstaff.chatops.command;

/** A line that is not a command of the grammar; carries what to type instead. */
public final class UsageException extends Exception {
  private final Refusal refusal;

  public UsageException(Refusal refusal) {
    super(refusal.reason());
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }
}
