package com.thortrading.accounts;

/** The kinds of instrument a Thinkorswim workbook quotes, told apart by the symbol's shape. */
public enum InstrumentType {
  /** Stocks and ETFs: AAPL, BRK/B. */
  EQUITY,
  /** Futures: /ES, /ESZ25, /ES:XCME; bought on margin, settled in points times the multiplier. */
  FUTURE,
  /** Equity and index options: .AAPL260116C190; premium times the multiplier. */
  OPTION,
  /** Indices: $SPX; quoted, never traded. */
  INDEX,
  /** Currency pairs: EUR/USD; quoted, not traded by this paper account. */
  FOREX
}
