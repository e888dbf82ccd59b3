package com.thortrading.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * How nodes find each other: Hazelcast over TCP to listed members (multicast is off: it fails on VPNs and many
 * Windows machines), bound to one interface so the event bus and Hazelcast agree on the address.
 */
public record ClusterSettings(String name, String host, int port, List<String> members) {

  public HazelcastClusterManager clusterManager() {
    Config config = ConfigUtil.loadConfig(); // keeps the __vertx.* structures Vert.x needs
    config.setClusterName(name);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    return new HazelcastClusterManager(config);
  }
}
