package dev.flagstaff.chatops.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.testkit.SeedLines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingChangeTest {
  private static final Planner PLANNER = new Planner(CrdAdmission.featureFlags()::errors);

  @Test
  void aHeldChangeIsPlannedAgainOnApprovalAgainstTheResourceAsItStandsThen() throws UsageException {
    List<PendingChange> held = new ArrayList<>();
    Command tenPercent = CommandParser.parse("/chatops run feature set slack_events_app_home_opened 10 --random");

    Plan asked = PendingChange.hold(tenPercent, "U024BE7LH", PLANNER, SeedLines.read("02-enable-non-production.yaml"),
        held::add);

    assertThat(asked).isInstanceOf(Plan.Change.class);
    assertThat(held).singleElement().satisfies(p -> {
      assertThat(p.requestedBy()).isEqualTo("U024BE7LH");
      assertThat(p.planned().transitions()).extracting(Plan.Transition::toString)
          .containsExactly("production: Disabled → 10% of time");
    });

    Plan.Change approved = (Plan.Change) held.get(0).approve(PLANNER, SeedLines.read("02-enable-non-production.yaml"));
    assertThat(approved.result()).isEqualTo(SeedLines.read("03-production-10-percent.yaml"));

    ObjectNode stagingDisabledMeanwhile = SeedLines.read("01-define.yaml");
    Plan refused = held.get(0).approve(PLANNER, stagingDisabledMeanwhile);
    assertThat(((Plan.Refused) refused).refusal().reason()).startsWith("production requires staging");
  }

  @Test
  void aRefusedCommandIsNotHeld() throws UsageException {
    List<PendingChange> held = new ArrayList<>();
    Plan plan = PendingChange.hold(CommandParser.parse("set slack_events_app_home_opened true"), "U1", PLANNER,
        SeedLines.read("01-define.yaml"), held::add);
    assertThat(plan).isInstanceOf(Plan.Refused.class);
    assertThat(held).isEmpty();
  }
}
