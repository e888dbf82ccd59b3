package com.thortrading.stream;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may open a socket: the configured list, or by default the service's own origin and
 * pages served from localhost. Cross-site websocket hijacking is a browser attack, so a client that sends no
 * Origin (a script, a trading bot) is let through.
 */
public final class OriginPolicy {

  private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private final List<String> allowed;

  public OriginPolicy(List<String> allowed) {
    this.allowed = allowed.stream().map(o -> o.strip().toLowerCase(Locale.ROOT)).filter(o -> !o.isEmpty()).toList();
  }

  /** @param origin the Origin header, null when absent; @param host the Host header the request came to */
  public boolean allows(String origin, String host) {
    if (origin == null || origin.isBlank()) {
      return true;
    }
    String o = origin.strip().toLowerCase(Locale.ROOT);
    if (!allowed.isEmpty()) {
      return allowed.contains("*") || allowed.contains(o);
    }
    try {
      URI uri = URI.create(o);
      String originHost = uri.getHost();
      if (originHost == null) {
        return false;
      }
      String authority = uri.getPort() < 0 ? originHost : originHost + ":" + uri.getPort();
      return LOCAL_HOSTS.contains(originHost) || (host != null && authority.equals(host.strip().toLowerCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
