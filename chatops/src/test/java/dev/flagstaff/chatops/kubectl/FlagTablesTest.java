package dev.flagstaff.chatops.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.api.admission.CrdAdmission;
import dev.flagstaff.testkit.SeedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlagTablesTest {
  private static ObjectNode withStatus(String file, String status) {
    ObjectNode flag = SeedLines.read(file);
    flag.set("status", CrdAdmission.readJson(status));
    return flag;
  }

  private static final String STATUS = "{\"environment\":\"production\",\"state\":\"10% of time\",\"propagation\":\"1/1\","
      + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Applied\"}]}";

  @Test
  void getShowsEveryEnvironmentAsTheResourceSaysAndThisClustersStatus() {
    assertThat(FlagTables.get(withStatus("03-production-10-percent.yaml", STATUS))).isEqualTo("""
        Name: slack-events-app-home-opened
        Key:  slack_events_app_home_opened

        ENVIRONMENT   STATE         REQUIRES
        dev           Enabled       -
        staging       Enabled       -
        staging-ref   Enabled       -
        production    10% of time   staging
        (any other)   Disabled      -

        THIS CLUSTER   STATE         READY            PHASE   EFFECTIVE   PROPAGATED
        production     10% of time   True (Applied)   -       -           1/1
        """);
    assertThat(FlagTables.get(SeedLines.read("01-define.yaml")))
        .endsWith("\nThis cluster: no status yet (is the operator running for this namespace?)\n");
  }

  @Test
  void listHasAColumnPerEnvironmentAndTheRolloutsPhaseAndEffectivePercentage() {
    ObjectNode rolling = withStatus("02-enable-non-production.yaml", "{\"environment\":\"production\","
        + "\"state\":\"rollout\",\"rollout\":{\"phase\":\"Progressing\",\"effectivePercentage\":25},"
        + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"reason\":\"RollingOut\"}]}");
    assertThat(FlagTables.list(List.of(rolling))).isEqualTo(
        "NAME                           KEY                            DEV       STAGING   STAGING-REF   PRODUCTION   "
            + "THIS CLUSTER   STATE     READY                PHASE         EFFECTIVE   PROPAGATED\n"
            + "slack-events-app-home-opened   slack_events_app_home_opened   Enabled   Enabled   Enabled       Disabled     "
            + "production     rollout   False (RollingOut)   Progressing   25%         -\n");
  }
}
