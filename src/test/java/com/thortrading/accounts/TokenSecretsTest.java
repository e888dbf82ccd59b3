package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenSecretsTest {

  private final TokenSecrets secrets = new TokenSecrets(new SecureRandom());

  @Test
  void aTokenCarries256RandomBitsBehindItsPrefix() {
    String token = secrets.generate();
    assertThat(token).startsWith("thor_").hasSize(5 + 43);
    assertThat(TokenSecrets.wellFormed(token)).isTrue();
    Set<String> many = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      many.add(secrets.generate());
    }
    assertThat(many).hasSize(1000);
  }

  @Test
  void onlyTheHashAndAShortHintAreKept() {
    String token = secrets.generate();
    assertThat(TokenSecrets.hash(token)).hasSize(32).isEqualTo(TokenSecrets.hash(token));
    assertThat(TokenSecrets.hash(token)).isNotEqualTo(TokenSecrets.hash(token + "x"));
    assertThat(TokenSecrets.hint(token)).isEqualTo(token.substring(0, 9));
  }

  @Test
  void malformedTokensAreRecognisedWithoutALookup() {
    assertThat(TokenSecrets.wellFormed("")).isFalse();
    assertThat(TokenSecrets.wellFormed(null)).isFalse();
    assertThat(TokenSecrets.wellFormed("has space")).isFalse();
    assertThat(TokenSecrets.wellFormed("x".repeat(257))).isFalse();
    assertThat(TokenSecrets.wellFormed("caf\u00e9")).isFalse();
    assertThat(TokenSecrets.wellFormed("abc\u0000")).isFalse();
    assertThat(TokenSecrets.wellFormed("base64+/token==")).isTrue();
  }
}
