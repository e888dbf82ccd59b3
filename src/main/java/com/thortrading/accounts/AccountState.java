package com.thortrading.accounts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An account as the order path decides against it: its row, the seq of its last event, its positions (by symbol) and
 * the open parts of its working orders (oldest first), as PostgreSQL holds them after event {@code eventSeq}. Every
 * change of cash, positions or working orders takes an event seq, so an equal seq in PostgreSQL means this is still
 * the account.
 */
record AccountState(Account account, long eventSeq, List<Position> positions, List<Reservations.Hold> holds) {

  AccountState {
    positions = List.copyOf(positions);
    holds = List.copyOf(holds);
  }

  PlacementRules.Holdings holdings(String symbol, Instruments instruments) {
    return PlacementRules.Holdings.of(positions, holds, instruments, symbol);
  }

  /** What the working orders hold back in cash, over all symbols. */
  Reservations reserved(Instruments instruments) {
    return Reservations.of(holds, positions, instruments, "");
  }

  /** The account once {@code placement} of {@code request} is written: one event seq more. */
  AccountState after(OrderRequest request, PlacementRules.Placement placement) {
    Account next = account;
    List<Position> nextPositions = positions;
    if (placement.execution().isPresent()) {
      CashAccountRules.Applied applied = placement.execution().get();
      next = new Account(account.id(), applied.cash(), account.startingCash(), account.marginEnabled(),
          account.allowShort());
      nextPositions = new ArrayList<>(positions.size() + 1);
      for (Position p : positions) {
        if (!p.symbol().equals(applied.position().symbol())) {
          nextPositions.add(p);
        }
      }
      // A closed position stays as a row of quantity 0, as PostgreSQL keeps it.
      nextPositions.add(applied.position());
      nextPositions.sort(Comparator.comparing(Position::symbol));
    }
    List<Reservations.Hold> nextHolds = holds;
    java.util.Optional<Reservations.Hold> hold = placement.hold(request);
    if (hold.isPresent()) {
      nextHolds = new ArrayList<>(holds);
      nextHolds.add(hold.get());
    }
    return new AccountState(next, eventSeq + 1, nextPositions, nextHolds);
  }
}
