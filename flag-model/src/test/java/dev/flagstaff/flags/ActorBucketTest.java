package dev.flagstaff.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class ActorBucketTest {
  @Test
  void agreesWithTheJdkCrc32OverUtf8ForAllKindsOfCharacters() {
    String[] actors = {"User:1", "", "Project:123456789", "équipe", "チーム", "emoji:\uD83D\uDE80", "lone:\uD800x",
        "T0123ABC", "U024BE7LH"};
    for (String actor : actors) {
      CRC32 crc = new CRC32();
      crc.update(("my_flag" + actor).getBytes(StandardCharsets.UTF_8));
      assertThat(ActorBucket.of("my_flag", actor)).as(actor).isEqualTo((int) (crc.getValue() % 100_000));
    }
  }

  @Test
  void bucketsStayInRange() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(ActorBucket.of("k", "User:" + i)).isBetween(0, ActorBucket.SCALE - 1);
    }
  }
}
