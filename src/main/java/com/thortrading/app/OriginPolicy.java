package com.thortrading.app;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which browser origins may call the API and open a socket: the service's own origin (the scheme-less authority
 * the request was sent to, from its Host header) and the configured list ({@code THOR_ALLOWED_ORIGINS}), exactly.
 * {@code localhost} on another port is another origin. A request without an Origin is not from a browser page
 * and passes here; it still needs a token.
 */
public final class OriginPolicy {

  private final List<String> allowed;

  /** @param allowed origins such as {@code https://desk.example.com}; compared after normalising case and ports */
  public OriginPolicy(List<String> allowed) {
    this.allowed = allowed.stream().map(String::strip).filter(o -> !o.isEmpty())
        .map(o -> normalize(o).orElseThrow(() -> new IllegalArgumentException("not an origin: " + o))).toList();
  }

  /** What an origin string means, or empty when it is not one ({@code scheme://host[:port]}, nothing after). */
  public static Optional<String> normalize(String origin) {
    try {
      URI uri = URI.create(origin.strip().toLowerCase(Locale.ROOT));
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
          || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
          || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
        return Optional.empty();
      }
      int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme);
      return Optional.of(scheme + "://" + uri.getHost() + ":" + port);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether this is the origin of the page the service itself served (no CORS involved). */
  public boolean isOwn(String origin, String host) {
    Optional<String> o = normalize(origin);
    if (o.isEmpty() || host == null || host.isBlank()) {
      return false;
    }
    URI uri = URI.create(o.get());
    return authority(uri.getHost(), uri.getPort()).equals(hostAuthority(host, uri.getScheme()));
  }

  /** Whether the configured list names this origin. */
  public boolean isListed(String origin) {
    return normalize(origin).map(allowed::contains).orElse(false);
  }

  /** @param origin the Origin header, null when absent; @param host the Host header the request came to */
  public boolean allows(String origin, String host) {
    return origin == null || isOwn(origin, host) || isListed(origin);
  }

  private static String hostAuthority(String host, String scheme) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    boolean hasPort = colon > h.lastIndexOf(']');
    return hasPort ? h : h + ":" + defaultPort(scheme);
  }

  private static String authority(String host, int port) {
    return host + ":" + port;
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }
}
