package dev.flagstaff.helm;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void renders() {
    Manifests m = Chart.render("environment: staging\n");
    System.out.println(m.names());
    System.out.println(m.text());
  }
}
