package com.thortrading.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void byDefaultTheServicesOwnOriginAndLocalhostAreAllowed() {
    OriginPolicy policy = new OriginPolicy(List.of());

    assertThat(policy.allows("http://trader.lan:8080", "trader.lan:8080")).isTrue();
    assertThat(policy.allows("http://localhost:3000", "trader.lan:8080")).isTrue();
    assertThat(policy.allows("http://127.0.0.1:8080", "trader.lan:8080")).isTrue();
    assertThat(policy.allows("https://evil.example", "trader.lan:8080")).isFalse();
    assertThat(policy.allows("http://trader.lan:9999", "trader.lan:8080")).isFalse();
    assertThat(policy.allows("null", "trader.lan:8080")).isFalse();
    assertThat(policy.allows(null, "trader.lan:8080")).as("no Origin: not a browser").isTrue();
  }

  @Test
  void aConfiguredListIsExact() {
    OriginPolicy policy = new OriginPolicy(List.of("https://desk.example.com", " HTTP://Other.example "));

    assertThat(policy.allows("https://desk.example.com", "x")).isTrue();
    assertThat(policy.allows("http://other.example", "x")).isTrue();
    assertThat(policy.allows("http://localhost:8080", "localhost:8080")).isFalse();
    assertThat(new OriginPolicy(List.of("*")).allows("https://anything.example", "x")).isTrue();
  }
}
