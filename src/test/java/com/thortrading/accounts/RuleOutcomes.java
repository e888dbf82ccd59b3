package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;

/** Unwraps what the trading rules decided, failing the test when they decided the other way. */
final class RuleOutcomes {

  private RuleOutcomes() {
  }

  static CashAccountRules.Applied applied(CashAccountRules.Outcome outcome) {
    assertThat(outcome).isInstanceOf(CashAccountRules.Applied.class);
    return (CashAccountRules.Applied) outcome;
  }

  static Rejection refused(CashAccountRules.Outcome outcome) {
    assertThat(outcome).isInstanceOf(CashAccountRules.Refused.class);
    return ((CashAccountRules.Refused) outcome).rejection();
  }
}
