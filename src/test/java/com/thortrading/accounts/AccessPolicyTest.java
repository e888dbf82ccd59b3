package com.thortrading.accounts;

import static com.thortrading.accounts.AccessPolicy.Decision.ALLOW;
import static com.thortrading.accounts.AccessPolicy.Decision.FORBIDDEN;
import static com.thortrading.accounts.AccessPolicy.Decision.UNAUTHENTICATED;
import static org.assertj.core.api.Assertions.assertThat;

import com.thortrading.accounts.AccessPolicy.Action;
import com.thortrading.accounts.AccessPolicy.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every action × every kind of caller × own, other and no account: the whole table, spelled out. */
class AccessPolicyTest {

  private static final AccessPolicy POLICY = new AccessPolicy("paper");
  private static final Optional<Principal> NOBODY = Optional.empty();
  private static final Optional<Principal> ALICE = Optional.of(Principal.account(7, "alice"));
  private static final Optional<Principal> ADMIN = Optional.of(Principal.admin(0));
  private static final Optional<Principal> METRICS = Optional.of(Principal.metrics());
  private static final Optional<String> OWN = Optional.of("alice");
  private static final Optional<String> OTHER = Optional.of("bob");
  private static final Optional<String> NONE = Optional.empty();

  static Stream<Arguments> table() {
    List<Arguments> rows = new ArrayList<>();
    for (Action action : Action.values()) {
      for (Optional<String> account : List.of(OWN, OTHER, NONE)) {
        rows.add(Arguments.of(action, NOBODY, account, UNAUTHENTICATED));
        rows.add(Arguments.of(action, ADMIN, account, ALLOW));
        rows.add(Arguments.of(action, METRICS, account, action == Action.READ_METRICS ? ALLOW : FORBIDDEN));
      }
    }
    for (Action action : List.of(Action.READ_QUOTES, Action.FOLLOW_QUOTES)) {
      rows.add(Arguments.of(action, ALICE, NONE, ALLOW));
      rows.add(Arguments.of(action, ALICE, OTHER, ALLOW));
    }
    for (Action action : List.of(Action.READ_ACCOUNT, Action.TRADE, Action.LIST_ORDERS, Action.FOLLOW_ORDER_EVENTS,
        Action.MANAGE_TOKENS)) {
      rows.add(Arguments.of(action, ALICE, OWN, ALLOW));
      rows.add(Arguments.of(action, ALICE, NONE, ALLOW));
      rows.add(Arguments.of(action, ALICE, OTHER, FORBIDDEN));
    }
    for (Action action : List.of(Action.CREATE_ACCOUNT, Action.READ_METRICS)) {
      rows.add(Arguments.of(action, ALICE, NONE, FORBIDDEN));
      rows.add(Arguments.of(action, ALICE, OWN, FORBIDDEN));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{1} {0} on {2} -> {3}")
  @MethodSource("table")
  void decides(Action action, Optional<Principal> who, Optional<String> account, Decision expected) {
    assertThat(POLICY.decide(who, action, account)).isEqualTo(expected);
  }

  @Test
  void everyActionHasARowForAnAccountToken() {
    List<Action> covered = table().map(a -> a.get()).filter(r -> r[1] == ALICE).map(r -> (Action) r[0]).toList();
    assertThat(covered).containsAll(List.of(Action.values()));
  }

  @Test
  void anAccountTokenActsOnItsOwnAccountAndTheOperatorOnTheDefault() {
    assertThat(POLICY.actingAccount(ALICE.get(), NONE)).isEqualTo("alice");
    assertThat(POLICY.actingAccount(ADMIN.get(), NONE)).isEqualTo("paper");
    assertThat(POLICY.actingAccount(ADMIN.get(), OTHER)).isEqualTo("bob");
  }

  @Test
  void onlyTheOperatorReachesEveryAccountsOrdersById() {
    assertThat(POLICY.orderScope(ALICE.get())).contains("alice");
    assertThat(POLICY.orderScope(ADMIN.get())).isEmpty();
    assertThat(POLICY.orderScope(METRICS.get())).contains("");
  }
}
