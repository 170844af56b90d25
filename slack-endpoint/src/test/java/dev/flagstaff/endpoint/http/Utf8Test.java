package dev.flagstaff.endpoint.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocation-free check refuses exactly what the JDK's strict UTF-8 decoder refuses. */
class Utf8Test {
  private static boolean jdk(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static void agrees(byte[] bytes) {
    boolean ours = Utf8.isValid(bytes);
    boolean theirs = jdk(bytes);
    if (ours != theirs) {
      assertThat(ours).as("%s: ours %s, the JDK's %s", HexFormat.of().formatHex(bytes), ours, theirs)
          .isEqualTo(theirs);
    }
  }

  @Test
  void knownForms() {
    assertThat(Utf8.isValid("{\"text\":\"héllo ✓ 😀\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xc0, (byte) 0xaf})).as("overlong /").isFalse();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).as("surrogate").isFalse();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).as("> U+10FFFF")
        .isFalse();
    assertThat(Utf8.isValid(new byte[] {'a', (byte) 0xe2, (byte) 0x9c})).as("truncated").isFalse();
  }

  @Test
  void everyOneAndTwoByteSequence() {
    for (int a = 0; a < 256; a++) {
      agrees(new byte[] {(byte) a});
      for (int b = 0; b < 256; b++) {
        agrees(new byte[] {(byte) a, (byte) b});
      }
    }
  }

  @Test
  void everyLeadAndSecondByteOfLongerSequences() {
    byte[] thirds = {0x00, 0x7f, (byte) 0x80, (byte) 0xbf, (byte) 0xc0};
    for (int a = 0xe0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        for (byte c : thirds) {
          agrees(new byte[] {(byte) a, (byte) b, c});
          agrees(new byte[] {(byte) a, (byte) b, c, (byte) 0x80});
          agrees(new byte[] {(byte) a, (byte) b, (byte) 0x80, c});
        }
      }
    }
  }

  @Test
  void randomMixtures() {
    byte[] alphabet = {'a', '{', 0x00, 0x7f, (byte) 0x80, (byte) 0x8f, (byte) 0x90, (byte) 0x9f, (byte) 0xa0,
        (byte) 0xbf, (byte) 0xc0, (byte) 0xc1, (byte) 0xc2, (byte) 0xdf, (byte) 0xe0, (byte) 0xe1, (byte) 0xed,
        (byte) 0xef, (byte) 0xf0, (byte) 0xf4, (byte) 0xf5, (byte) 0xff};
    Random random = new Random(8);
    for (int n = 0; n < 300_000; n++) {
      byte[] bytes = new byte[1 + random.nextInt(9)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = alphabet[random.nextInt(alphabet.length)];
      }
      agrees(bytes);
    }
  }
}
