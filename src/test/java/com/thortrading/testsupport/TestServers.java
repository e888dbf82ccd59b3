package com.thortrading.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the tests' Redis and PostgreSQL come from: embedded servers (the default), or with {@code -Pcontainers}
 * (system property {@code thor.test.servers=containers}) containers of the images the compose stack runs.
 */
public final class TestServers {

  private static final Path COMPOSE = Path.of("docker", "docker-compose.yml");

  private TestServers() {
  }

  public static boolean containers() {
    return "containers".equals(System.getProperty("thor.test.servers", "embedded"));
  }

  /** The image the compose file runs for {@code name} (redis, postgres): one place says which versions. */
  public static String composeImage(String name) {
    try {
      Matcher image = Pattern.compile("(?m)^\\s*image:\\s*(" + Pattern.quote(name) + ":\\S+)\\s*$")
          .matcher(Files.readString(COMPOSE));
      if (!image.find()) {
        throw new IllegalStateException(COMPOSE + " names no " + name + " image");
      }
      return image.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
