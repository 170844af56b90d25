package dev.flagstaff.chatops.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.testkit.SeedLines;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static final Planner PLANNER = new Planner(CrdAdmission.featureFlags()::errors);
  private static final String FLAG = "slack_events_app_home_opened";

  private static Plan plan(String line, ObjectNode resource) throws UsageException {
    Command command = CommandParser.parse(line);
    return command instanceof Command.Set set ? PLANNER.plan(set, resource)
        : PLANNER.plan((Command.Delete) command, resource);
  }

  @Test
  void everySeedLineVerbatimTurnsEachStepFileIntoTheNext() throws UsageException {
    ObjectNode resource = SeedLines.read("01-define.yaml");
    for (SeedLines.Step step : SeedLines.STEPS) {
      Plan plan = plan(step.line(), resource);
      assertThat(plan).as(step.line()).isInstanceOf(Plan.Change.class);
      Plan.Change change = (Plan.Change) plan;
      if (step.file() == null) {
        assertThat(change.deleteResource()).as(step.line()).isTrue();
      } else {
        assertThat(change.deleteResource()).isFalse();
        assertThat(change.result()).as(step.line()).isEqualTo(SeedLines.read(step.file()));
        resource = change.result();
      }
    }
  }

  @Test
  void theSeedLinesSayWhatChangesInWords() throws UsageException {
    Plan.Change tenPercent = (Plan.Change) plan(SeedLines.STEPS.get(1).line(), SeedLines.read("02-enable-non-production.yaml"));
    assertThat(tenPercent.transitions()).extracting(Plan.Transition::toString)
        .containsExactly("production: Disabled → 10% of time");
    assertThat(tenPercent.entries()).containsOnlyKeys("production");
    assertThat(tenPercent.entries().get("production").toString())
        .isEqualTo("{\"enabled\":true,\"percentage\":10,\"strategy\":\"random\",\"requires\":\"staging\"}");

    Plan.Change nonProduction = (Plan.Change) plan(SeedLines.STEPS.get(0).line(), SeedLines.read("01-define.yaml"));
    assertThat(nonProduction.transitions()).extracting(Plan.Transition::toString)
        .containsExactly("dev: Disabled → Enabled", "staging: Disabled → Enabled", "staging-ref: Disabled → Enabled");
  }

  @Test
  void productionBeforeStagingIsRefusedByTheConsistencyCheckWithWhatToTypeInstead() throws UsageException {
    Plan plan = plan("/chatops run feature set slack_events_app_home_opened true", SeedLines.read("01-define.yaml"));

    Refusal refusal = ((Plan.Refused) plan).refusal();
    assertThat(refusal.reason())
        .startsWith("production requires staging, and staging is disabled: enable staging first")
        .contains("spec.environments: Invalid value: an environment cannot be enabled while the environment it "
            + "requires is disabled")
        .endsWith("Nothing was changed.");
    assertThat(refusal.suggestions()).containsExactly("set " + FLAG + " true --staging", "set " + FLAG + " true --production");
    assertThat(refusal.render("kubectl flagstaff ")).contains("Type instead, in this order:\n  kubectl flagstaff set "
        + FLAG + " true --staging\n  kubectl flagstaff set " + FLAG + " true --production");
  }

  @Test
  void disablingStagingUnderAnEnabledProductionIsRefusedTheOtherWayRound() throws UsageException {
    Plan plan = plan("feature set slack_events_app_home_opened false --staging", SeedLines.read("05-enable-globally.yaml"));

    Refusal refusal = ((Plan.Refused) plan).refusal();
    assertThat(refusal.reason()).startsWith("production requires staging, and production is enabled: disable production first");
    assertThat(refusal.suggestions()).containsExactly("set " + FLAG + " false --production", "set " + FLAG + " false --staging");
  }

  @Test
  void anActorRolloutOfAFlagThatTakesNoActorIsRefusedWithTheCrdsWordsAndARandomPercentageInstead() throws UsageException {
    Plan plan = plan("set slack_events_app_home_opened 10 --actors --staging", SeedLines.read("02-enable-non-production.yaml"));

    Refusal refusal = ((Plan.Refused) plan).refusal();
    assertThat(refusal.reason()).contains("takes no actor").contains("spec: Invalid value: actorType none");
    assertThat(refusal.suggestions()).first().isEqualTo("set " + FLAG + " 10 --random --staging");
  }

  @Test
  void aPercentageOver100IsRefusedInTheApiServersWords() throws UsageException {
    Plan plan = plan("set slack_events_app_home_opened 150 --random", SeedLines.read("02-enable-non-production.yaml"));

    assertThat(((Plan.Refused) plan).refusal().reason()).contains("spec.environments.production.percentage: Invalid "
        + "value: 150: spec.environments.production.percentage in body should be less than or equal to 100");
  }

  @Test
  void actorsAreAddedAndRemovedAndAnEnvironmentThatWasOffTurnsOnForThemOnly() throws UsageException {
    ObjectNode flag = SeedLines.read("01-define.yaml");
    flag.with("spec").put("actorType", "user");
    flag.with("spec").with("environments").with("staging").put("enabled", true);

    Plan.Change added = (Plan.Change) plan("set slack_events_app_home_opened true --user=42 --actor=User:7", flag);
    assertThat(added.entries().get("production").toString()).isEqualTo("{\"enabled\":true,\"percentage\":0,"
        + "\"strategy\":\"actors\",\"actors\":[\"User:42\",\"User:7\"],\"requires\":\"staging\"}");
    assertThat(added.transitions()).extracting(Plan.Transition::after).containsExactly("0% of actors + 2 actors");

    Plan.Change removed = (Plan.Change) plan("set slack_events_app_home_opened false --user=42", added.result());
    assertThat(removed.entries().get("production").path("actors").toString()).isEqualTo("[\"User:7\"]");
    assertThat(removed.entries().get("production").path("enabled").asBoolean()).isTrue();
  }

  @Test
  void deleteOfSomeEnvironmentsRemovesTheirEntriesAndOfAnUnlistedOneIsRefused() throws UsageException {
    Plan.Change dev = (Plan.Change) plan("delete slack_events_app_home_opened --dev", SeedLines.read("02-enable-non-production.yaml"));
    assertThat(dev.deleteResource()).isFalse();
    assertThat(dev.removed()).containsExactly("dev");
    assertThat(dev.result().at("/spec/environments").has("dev")).isFalse();
    assertThat(dev.transitions()).extracting(Plan.Transition::toString).containsExactly("dev: Enabled → unset (default Disabled)");

    Plan refused = plan("delete slack_events_app_home_opened --canary --dev", SeedLines.read("02-enable-non-production.yaml"));
    assertThat(((Plan.Refused) refused).refusal().reason()).startsWith("slack_events_app_home_opened lists no canary environment");
    assertThat(((Plan.Refused) refused).refusal().suggestions()).containsExactly("delete " + FLAG + " --dev");
  }

  @Test
  void aChangeThatChangesNothingSaysSo() throws UsageException {
    Plan.Change again = (Plan.Change) plan("set slack_events_app_home_opened 10 --random", SeedLines.read("03-production-10-percent.yaml"));
    assertThat(again.isNoOp()).isTrue();
  }
}
