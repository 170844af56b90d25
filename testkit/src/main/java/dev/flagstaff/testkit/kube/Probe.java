package dev.flagstaff.testkit.kube;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Waiting for a child process to answer, and the HTTPS GET that asks it. */
final class Probe {
  private Probe() {
  }

  /** Polls {@code ready} until it is true; fails with the end of the process's log when it exits or times out. */
  static void await(String name, Process process, Path log, Duration timeout, Callable<Boolean> ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue() + ":\n" + tail(log));
      }
      try {
        if (ready.call()) {
          return;
        }
      } catch (Exception notYet) {
        // not answering yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not become ready within " + timeout.toSeconds() + " s:\n"
            + tail(log));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
  }

  static boolean httpOk(String url, String token, Path caFile) throws IOException, InterruptedException {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
    if (caFile != null) {
      builder.sslContext(trusting(caFile));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return builder.build().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
  }

  static SSLContext trusting(Path caFile) throws IOException {
    try (InputStream pem = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust " + caFile + ": " + e.getMessage(), e);
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
