package dev.flagstaff.chatops.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flagstaff.flags.Strategy;
import dev.flagstaff.testkit.SeedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandParserTest {
  private static final String FLAG = "slack_events_app_home_opened";

  @Test
  void theSeedsLinesParseWithOrWithoutTheirChatopsPrefix() throws UsageException {
    for (SeedLines.Step step : SeedLines.STEPS) {
      String bare = step.line().substring("/chatops run ".length());
      assertThat(CommandParser.parse(bare)).as(bare).isEqualTo(CommandParser.parse(step.line()));
      assertThat(CommandParser.parse(bare.substring("feature ".length()))).isEqualTo(CommandParser.parse(step.line()));
      assertThat(CommandParser.parse("`" + step.line() + "`\n")).isEqualTo(CommandParser.parse(step.line()));
    }
    assertThat(CommandParser.parse(SeedLines.STEPS.get(0).line()))
        .isEqualTo(new Command.Set(FLAG, new Command.On(), List.of(), List.of("dev", "staging", "staging-ref")));
    assertThat(CommandParser.parse(SeedLines.STEPS.get(1).line()))
        .isEqualTo(new Command.Set(FLAG, new Command.Percent(10, Strategy.RANDOM), List.of(), List.of("production")));
    assertThat(CommandParser.parse(SeedLines.STEPS.get(4).line()))
        .isEqualTo(new Command.Set(FLAG, new Command.Off(), List.of(), List.of("production")));
    assertThat(CommandParser.parse(SeedLines.STEPS.get(5).line()))
        .isEqualTo(new Command.Delete(FLAG, List.of("dev", "staging", "staging-ref", "production")));
  }

  @Test
  void getListActorsAndAnyEnvironmentName() throws UsageException {
    assertThat(CommandParser.parse("feature get " + FLAG)).isEqualTo(new Command.Get(FLAG));
    assertThat(CommandParser.parse("feature list")).isEqualTo(new Command.ListFlags(""));
    assertThat(CommandParser.parse("feature list --match app_home")).isEqualTo(new Command.ListFlags("app_home"));
    assertThat(CommandParser.parse("list --match=app_home")).isEqualTo(new Command.ListFlags("app_home"));
    assertThat(CommandParser.parse("set f 2.5 --actors --canary-eu --canary-eu"))
        .isEqualTo(new Command.Set("f", new Command.Percent(2.5, Strategy.ACTORS), List.of(), List.of("canary-eu")));
    assertThat(CommandParser.parse("set f true --user=42 --project=gitlab-org/gitlab --group=gitlab-org "
        + "--namespace=gitlab-com --actor=Team:7 --staging"))
        .isEqualTo(new Command.Set("f", new Command.On(),
            List.of("User:42", "Project:gitlab-org/gitlab", "Group:gitlab-org", "Namespace:gitlab-com", "Team:7"),
            List.of("staging")));
  }

  @Test
  void textWritesACommandBackSoThatItParsesToItself() throws UsageException {
    for (String line : List.of("set f 12.5 --random --staging", "set f true --actor=User:1 --dev", "delete f --production",
        "get f", "list --match x")) {
      Command command = CommandParser.parse(line);
      assertThat(CommandParser.parse(command.text())).as(line).isEqualTo(command);
    }
  }

  @Test
  void aPercentageWithoutAStrategyIsRefusedWithBothForms() {
    Refusal refusal = refusal("/chatops run feature set " + FLAG + " 10 --staging");
    assertThat(refusal.reason()).startsWith("A percentage needs a strategy");
    assertThat(refusal.suggestions()).containsExactly("set " + FLAG + " 10 --random --staging",
        "set " + FLAG + " 10 --actors --staging");
    assertThat(refusal("set f 10%").suggestions()).first().isEqualTo("set f 10 --random");
  }

  @Test
  void everyMistakeSaysWhatToTypeInstead() {
    assertThat(refusal("").reason()).isEqualTo("Say which feature command to run.");
    assertThat(refusal("feature enable f").reason()).startsWith("Unknown command 'enable'");
    assertThat(refusal("set f").suggestions()).contains("set f true");
    assertThat(refusal("set f maybe").reason()).startsWith("'maybe' is not a value");
    assertThat(refusal("set f true --random").suggestions()).containsExactly("set f true", "set f 10 --random");
    assertThat(refusal("set f 10 --random --actors").reason()).isEqualTo("Give one of --actors and --random, not both.");
    assertThat(refusal("set f 10 --random --user=1").suggestions()).contains("set f true --actor=User:1");
    assertThat(refusal("set f true --Staging").suggestions()).containsExactly("set <flag> true --staging");
    assertThat(refusal("set f true --colour=red").reason()).isEqualTo("Unknown option --colour=red.");
    assertThat(refusal("get f --staging").suggestions()).containsExactly("get f");
    assertThat(refusal("list f").suggestions()).containsExactly("list --match f", "get f");
    assertThat(refusal("delete").suggestions()).containsExactly("delete <flag>");
    assertThat(refusal("set f true --user").reason()).startsWith("--user needs a value");
  }

  private static Refusal refusal(String line) {
    UsageException e = catchThrowableOfType(UsageException.class, () -> CommandParser.parse(line));
    assertThat(e).as(line).isNotNull();
    return e.refusal();
  }
}
