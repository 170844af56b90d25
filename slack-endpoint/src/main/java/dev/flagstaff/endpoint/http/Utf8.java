package dev.flagstaff.endpoint.http;

/**
 * Strict UTF-8 validation without decoding (nothing allocated): the well-formed byte sequences of the Unicode
 * Standard's table 3-7, so an overlong form, a surrogate (U+D800–U+DFFF), a code point above U+10FFFF, a stray
 * continuation byte or a truncated sequence is refused — exactly what the JDK's UTF-8 decoder reports as malformed.
 */
public final class Utf8 {
  private Utf8() {
  }

  /** {@code bytes} as text when they are well-formed UTF-8, else null: a strict decoder's answer, in one pass. */
  public static String decodeOrNull(byte[] bytes) {
    return isValid(bytes) ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : null;
  }

  public static boolean isValid(byte[] bytes) {
    int i = 0;
    int n = bytes.length;
    while (i < n) {
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      b &= 0xff;
      if (b >= 0xc2 && b <= 0xdf) {
        if (i + 1 >= n || !continuation(bytes[i + 1])) {
          return false;
        }
        i += 2;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (i + 2 >= n) {
          return false;
        }
        int b1 = bytes[i + 1] & 0xff;
        int low = b == 0xe0 ? 0xa0 : 0x80;
        int high = b == 0xed ? 0x9f : 0xbf;
        if (b1 < low || b1 > high || !continuation(bytes[i + 2])) {
          return false;
        }
        i += 3;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (i + 3 >= n) {
          return false;
        }
        int b1 = bytes[i + 1] & 0xff;
        int low = b == 0xf0 ? 0x90 : 0x80;
        int high = b == 0xf4 ? 0x8f : 0xbf;
        if (b1 < low || b1 > high || !continuation(bytes[i + 2]) || !continuation(bytes[i + 3])) {
          return false;
        }
        i += 4;
      } else {
        return false;
      }
    }
    return true;
  }

  private static boolean continuation(byte b) {
    return (b & 0xc0) == 0x80;
  }
}
