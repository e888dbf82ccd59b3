package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void byDefaultOnlyTheServicesOwnOriginIsAllowed() {
    OriginPolicy policy = new OriginPolicy(List.of());

    assertThat(policy.allows("http://trader.lan:8080", "trader.lan:8080")).isTrue();
    assertThat(policy.allows("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
    assertThat(policy.allows("https://desk.example.com", "desk.example.com")).as("default port").isTrue();
    assertThat(policy.allows("http://localhost:3000", "localhost:8080")).as("another port is another origin").isFalse();
    assertThat(policy.allows("http://127.0.0.1:8080", "trader.lan:8080")).isFalse();
    assertThat(policy.allows("https://evil.example", "trader.lan:8080")).isFalse();
    assertThat(policy.allows("null", "trader.lan:8080")).isFalse();
    assertThat(policy.allows("http://trader.lan:8080/path", "trader.lan:8080")).isFalse();
    assertThat(policy.allows("http://user@trader.lan:8080", "trader.lan:8080")).isFalse();
    assertThat(policy.allows(null, "trader.lan:8080")).as("no Origin: not a browser page").isTrue();
  }

  @Test
  void aConfiguredListIsExact() {
    OriginPolicy policy = new OriginPolicy(List.of("https://desk.example.com", " HTTP://Other.example "));

    assertThat(policy.allows("https://desk.example.com", "x")).isTrue();
    assertThat(policy.allows("https://desk.example.com:443", "x")).isTrue();
    assertThat(policy.allows("http://other.example", "x")).isTrue();
    assertThat(policy.allows("http://desk.example.com", "x")).as("another scheme").isFalse();
    assertThat(policy.allows("https://desk.example.com.evil.example", "x")).isFalse();
    assertThat(policy.allows("http://localhost:8080", "localhost:9090")).isFalse();
  }

  @Test
  void aListEntryThatIsNoOriginIsRefused() {
    assertThatThrownBy(() -> new OriginPolicy(List.of("*"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OriginPolicy(List.of("https://x.example/app"))).isInstanceOf(IllegalArgumentException.class);
  }
}
