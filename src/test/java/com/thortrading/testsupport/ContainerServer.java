package com.thortrading.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * A server in a Docker container (Testcontainers) that a test can stop and start again, or freeze, like the
 * embedded servers: its host port is fixed when it is made, so the service's URL stays valid across a restart,
 * and a stopped container keeps its data.
 */
final class ContainerServer implements AutoCloseable {

  private final GenericContainer<?> container;
  private final int hostPort;
  private final Callable<Boolean> ready;

  /**
   * @param ready whether the server answers now (checked after a restart, as the start's wait strategy is not)
   */
  @SuppressWarnings("resource") // closed by close()
  ContainerServer(String image, int containerPort, Map<String, String> env, String[] command, WaitStrategy started,
      java.util.function.IntFunction<Callable<Boolean>> ready) {
    this.hostPort = freePort();
    this.ready = ready.apply(hostPort);
    GenericContainer<?> made = new GenericContainer<>(DockerImageName.parse(image))
        .withExposedPorts(containerPort)
        .withEnv(env)
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
            new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), new ExposedPort(containerPort))))
        .waitingFor(started);
    if (command.length > 0) {
      made.withCommand(command);
    }
    this.container = made;
    try {
      container.start();
    } catch (IllegalStateException noDocker) {
      throw new IllegalStateException("-Pcontainers runs Redis and PostgreSQL in Docker, and Testcontainers found no "
          + "Docker engine (" + noDocker.getMessage() + "); without one, leave -Pcontainers out: the tests then use "
          + "the embedded servers", noDocker);
    }
  }

  int port() {
    return hostPort;
  }

  private DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  /** Stops the server as an outage would; the container and its data stay. */
  void stop() {
    docker().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
  }

  /** Starts the stopped server again on the same port and waits until it answers. */
  void start() {
    docker().startContainerCmd(container.getContainerId()).exec();
    Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(ready);
  }

  /** Freezes every process of the server (the cgroup freezer): connections stay open, nothing is answered. */
  void pause() {
    docker().pauseContainerCmd(container.getContainerId()).exec();
  }

  void resume() {
    docker().unpauseContainerCmd(container.getContainerId()).exec();
  }

  @Override
  public void close() {
    container.stop();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
