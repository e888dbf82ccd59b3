package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.thortrading.testsupport.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compose stack and its load balancer, checked by the tools that run them: docker-compose resolves the file
 * (it needs no engine for {@code config}) and HAProxy checks its configuration; then the wiring between them.
 */
class DeploymentFilesTest {

  private static final Path COMPOSE = Path.of("docker/docker-compose.yml");
  private static final Path HAPROXY = Path.of("docker/haproxy.cfg");
  private static final String TOKEN = "compose-check-token-0123456789abcdefghij";

  record Run(int exit, String output) {
  }

  private static Run run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("THOR_"));
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException missing) {
      throw new AssertionError(command[0] + " is needed to check the deployment files: apt-get install "
          + ("haproxy".equals(command[0]) ? "haproxy" : "docker-compose") + " (.ci/run does)", missing);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }

  private static JsonNode resolvedCompose() throws Exception {
    Run config = run(Map.of("THOR_ADMIN_TOKEN", TOKEN), "docker-compose", "-f", COMPOSE.toString(), "config");
    assertThat(config.exit()).as(config.output()).isZero();
    return new ObjectMapper(new YAMLFactory()).readTree(config.output());
  }

  @Test
  void composeFileValidatesAndRefusesToStartWithoutOneOperatorToken() throws Exception {
    resolvedCompose();
    Run without = run(Map.of(), "docker-compose", "-f", COMPOSE.toString(), "config", "-q");
    assertThat(without.exit()).isNotZero();
    assertThat(without.output()).contains("THOR_ADMIN_TOKEN");
  }

  @Test
  void everyNodeJoinsTheOthersAtItsOwnAddressWithTheRolesOfTheStack() throws Exception {
    JsonNode services = resolvedCompose().path("services");
    Map<String, String> roleOf = new TreeMap<>();
    List<String> hosts = new ArrayList<>();
    for (var it = services.fields(); it.hasNext(); ) {
      var service = it.next();
      JsonNode env = service.getValue().path("environment");
      if (!env.has("THOR_ROLES")) {
        continue;
      }
      roleOf.put(service.getKey(), env.path("THOR_ROLES").asText());
      String host = env.path("THOR_CLUSTER_HOST").asText();
      // Hazelcast and the event bus bind to THOR_CLUSTER_HOST: it must be the container's own fixed address.
      assertThat(service.getValue().path("networks").path("thor").path("ipv4_address").asText())
          .as(service.getKey()).isEqualTo(host);
      assertThat(env.path("THOR_CLUSTER").asText()).isEqualTo("true");
      assertThat(env.path("THOR_ADMIN_TOKEN").asText()).as("one operator token for every node").isEqualTo(TOKEN);
      assertThat(env.path("THOR_REDIS_URL").asText()).isEqualTo("redis://redis:6379");
      hosts.add(host);
    }
    assertThat(roleOf).containsEntry("ingest-1", "ingest").containsEntry("ingest-2", "ingest")
        .containsEntry("engine", "engine").containsEntry("web-1", "web").containsEntry("web-2", "web");
    for (String node : roleOf.keySet()) {
      assertThat(Arrays.asList(services.path(node).path("environment").path("THOR_CLUSTER_MEMBERS").asText().split(",")))
          .as(node + " lists every node").containsExactlyInAnyOrderElementsOf(hosts);
    }
    assertThat(services.path("lb").path("image").asText()).startsWith("haproxy:");
    assertThat(services.path("lb").path("volumes").toString()).contains("haproxy.cfg");
  }

  @Test
  void theContainersProfileTestsAgainstTheImagesTheStackRuns() throws Exception {
    JsonNode services = resolvedCompose().path("services");
    assertThat(TestServers.composeImage("redis")).isEqualTo(services.path("redis").path("image").asText())
        .startsWith("redis:7");
    assertThat(TestServers.composeImage("postgres")).isEqualTo(services.path("postgres").path("image").asText())
        .startsWith("postgres:16");
  }

  @Test
  void haproxyConfigIsValidAndSendsToExactlyTheWebNodes() throws Exception {
    Run check = run(Map.of(), "haproxy", "-c", "-f", HAPROXY.toString());
    assertThat(check.exit()).as(check.output()).isZero();

    JsonNode services = resolvedCompose().path("services");
    List<String> webNodes = new ArrayList<>();
    for (var it = services.fields(); it.hasNext(); ) {
      var service = it.next();
      JsonNode env = service.getValue().path("environment");
      if ("web".equals(env.path("THOR_ROLES").asText())) {
        assertThat(env.path("THOR_HTTP_HOST").asText()).as(service.getKey() + " serves other machines")
            .isEqualTo("0.0.0.0");
        webNodes.add(env.path("THOR_CLUSTER_HOST").asText() + ":8080");
      }
    }
    String config = Files.readString(HAPROXY);
    List<String> servers = new ArrayList<>();
    Matcher server = Pattern.compile("(?m)^\\s*server\\s+\\S+\\s+(\\S+)").matcher(config);
    while (server.find()) {
      servers.add(server.group(1));
    }
    assertThat(servers).containsExactlyInAnyOrderElementsOf(webNodes);
    // Health checks against /health, and SockJS's HTTP transports kept on the node that holds their session.
    assertThat(config).contains("option httpchk GET /health").contains("stick on path,field(4,/)");
  }
}
