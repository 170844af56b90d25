package dev.flagstaff.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint's management port: the address it listens on, and JSON errors for what it cannot decode. */
class ManagementPortTest {
  @TempDir Path tmp;
  @AutoClose
  EndpointFixture fx;

  private String raw(String requestLine) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), fx.endpoint.managementPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write((requestLine + "\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      return all.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void aBadPercentEncodingOfTheActorOrKeyIsAJson400() throws Exception {
    fx = EndpointFixture.start(tmp, Map.of());
    fx.flag(EndpointFixture.FLAG, "{\"enabled\":true}");
    assertThat(raw("GET /flags/" + EndpointFixture.FLAG + "?actor=%E0%A4%A HTTP/1.1"))
        .startsWith("HTTP/1.1 400").contains("{\"error\":\"invalid_query\"}");
    assertThat(raw("GET /flags/%zz HTTP/1.1")).startsWith("HTTP/1.1 400").contains("application/json")
        .doesNotContain("<html");
    assertThat(fx.management("/flags/" + EndpointFixture.FLAG + "?actor=U%201").get("actor").asText())
        .isEqualTo("U 1");
  }

  @Test
  void itListensOnTheManagementBindAddressElseOnTheBindAddress() throws Exception {
    // Every 127.x address is loopback on Linux: a port bound to every address would answer on both.
    fx = EndpointFixture.start(tmp, Map.of("FLAGSTAFF_BIND_ADDRESS", "127.0.0.2",
        "FLAGSTAFF_MANAGEMENT_BIND_ADDRESS", "127.0.0.1"));
    assertThatThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.2"), fx.endpoint.managementPort()).close())
        .isInstanceOf(ConnectException.class);
    assertThat(fx.get("/healthz").statusCode()).isEqualTo(200);
    new Socket(InetAddress.getByName("127.0.0.2"), fx.endpoint.port()).close();
    fx.close();

    fx = EndpointFixture.start(tmp, Map.of("FLAGSTAFF_BIND_ADDRESS", "127.0.0.2"));
    new Socket(InetAddress.getByName("127.0.0.2"), fx.endpoint.managementPort()).close();
    assertThatThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.1"), fx.endpoint.managementPort()).close())
        .isInstanceOf(ConnectException.class);
  }
}
