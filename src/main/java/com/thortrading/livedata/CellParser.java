package com.thortrading.livedata;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one workbook cell into a quote value: normalized text, or empty when the cell counts as missing.
 *
 * <p>Cells come as COM hands them over (null, Double, String, Boolean, {@link ExcelError}) or as CSV text.
 * Placeholders that Thinkorswim and Excel show while a value is not there ("Loading...", "N/A", "#N/A", any
 * error) are missing, never zero. Parsing never uses the JVM's locale: ',' is always a thousands separator and
 * '.' the decimal point, as Thinkorswim writes them.
 */
public final class CellParser {

  /** Excel shows 15 significant digits; anything past that in a double is binary noise. */
  private static final MathContext EXCEL_PRECISION = new MathContext(15, RoundingMode.HALF_EVEN);

  /** Treasury futures in 32nds: 111-16, 111'16, 111:16, with + for a half and a trailing 2/5/7 for quarters. */
  private static final Pattern THIRTY_SECONDS = Pattern.compile("(-?)(\\d+)['\\-:](\\d{2})(\\+|[0257])?");

  private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private static final BigDecimal THIRTY_TWO = BigDecimal.valueOf(32);

  private CellParser() {
  }

  /** The value of {@code cell} in column {@code field}, normalized; empty when the cell counts as missing. */
  public static Optional<String> parse(String field, Object cell) {
    if (QuoteField.TEXT.contains(field)) {
      return text(cell);
    }
    if (QuoteField.NUMERIC.contains(field)) {
      return number(cell)
          .filter(n -> !(QuoteField.ZERO_IS_MISSING.contains(field) && n.signum() == 0))
          .map(n -> QuoteField.PRICES.contains(field) && n.scale() < 2 ? n.setScale(2) : n)
          .map(BigDecimal::toPlainString);
    }
    Optional<BigDecimal> asNumber = number(cell);
    if (asNumber.isPresent()) {
      return asNumber.map(BigDecimal::toPlainString);
    }
    return text(cell);
  }

  /** A cell as a decimal, or empty when it is missing, an error, or not a number. */
  public static Optional<BigDecimal> number(Object cell) {
    if (cell instanceof Double d) {
      return fromDouble(d);
    }
    if (cell instanceof Float f) {
      return fromDouble(f.doubleValue());
    }
    if (cell instanceof BigDecimal b) {
      return Optional.of(normalize(b));
    }
    if (cell instanceof Integer || cell instanceof Long || cell instanceof Short || cell instanceof Byte) {
      return Optional.of(BigDecimal.valueOf(((Number) cell).longValue()));
    }
    if (cell instanceof String s) {
      return numberFromText(s);
    }
    return Optional.empty();
  }

  /** A cell as trimmed text, or empty when it is blank, a placeholder or an error. */
  public static Optional<String> text(Object cell) {
    if (cell == null || cell instanceof ExcelError) {
      return Optional.empty();
    }
    if (cell instanceof Boolean b) {
      return Optional.of(b ? "TRUE" : "FALSE");
    }
    if (cell instanceof Double || cell instanceof Float) {
      return number(cell).map(BigDecimal::toPlainString);
    }
    String text = cell.toString().strip();
    return isMissingMarker(text) ? Optional.empty() : Optional.of(text);
  }

  /** Blank, a loading or not-available placeholder, or an Excel error shown as text. */
  public static boolean isMissingMarker(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    if (t.isEmpty() || t.equals("N/A") || t.equals("NA") || t.equals("--") || t.equals("-")
        || t.startsWith("LOADING") || t.equals("NAN") || t.equals("NULL")) {
      return true;
    }
    // #N/A, #VALUE!, #DIV/0!, #NAME?, #GETTING_DATA ... every Excel error starts with '#'.
    return t.startsWith("#");
  }

  private static Optional<BigDecimal> fromDouble(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Optional.empty();
    }
    return Optional.of(normalize(new BigDecimal(d).round(EXCEL_PRECISION)));
  }

  private static BigDecimal normalize(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private static Optional<BigDecimal> numberFromText(String raw) {
    String s = raw.strip();
    if (isMissingMarker(s)) {
      return Optional.empty();
    }
    Matcher bond = THIRTY_SECONDS.matcher(s);
    if (bond.matches()) {
      return thirtySeconds(bond);
    }
    boolean negative = false;
    if (s.startsWith("(") && s.endsWith(")")) {
      negative = true;
      s = s.substring(1, s.length() - 1).strip();
    }
    s = s.replace('\u2212', '-').replace("$", "").replace(",", "").replace("\u00a0", "").replace(" ", "");
    if (s.endsWith("%")) {
      s = s.substring(0, s.length() - 1);
    }
    BigDecimal multiplier = BigDecimal.ONE;
    if (!s.isEmpty()) {
      char suffix = Character.toUpperCase(s.charAt(s.length() - 1));
      BigDecimal scale = switch (suffix) {
        case 'K' -> BigDecimal.valueOf(1_000);
        case 'M' -> BigDecimal.valueOf(1_000_000);
        case 'B' -> BigDecimal.valueOf(1_000_000_000);
        default -> null;
      };
      if (scale != null) {
        multiplier = scale;
        s = s.substring(0, s.length() - 1);
      }
    }
    if (!PLAIN_NUMBER.matcher(s).matches()) {
      return Optional.empty();
    }
    BigDecimal value = new BigDecimal(s).multiply(multiplier);
    if (multiplier != BigDecimal.ONE) {
      value = normalize(value);
    } else if (value.scale() < 0) {
      value = value.setScale(0);
    }
    return Optional.of(negative ? value.negate() : value);
  }

  private static Optional<BigDecimal> thirtySeconds(Matcher bond) {
    int thirtySeconds = Integer.parseInt(bond.group(3));
    if (thirtySeconds >= 32) {
      return Optional.empty();
    }
    BigDecimal fraction = BigDecimal.valueOf(thirtySeconds);
    String tail = bond.group(4);
    if (tail != null) {
      fraction = fraction.add(switch (tail) {
        case "+", "5" -> new BigDecimal("0.5");
        case "2" -> new BigDecimal("0.25");
        case "7" -> new BigDecimal("0.75");
        default -> BigDecimal.ZERO;
      });
    }
    // n/32 and n.25/32 are exact decimals (at most 7 places), so divide exactly.
    BigDecimal value = new BigDecimal(bond.group(2)).add(fraction.divide(THIRTY_TWO));
    return Optional.of("-".equals(bond.group(1)) ? value.negate() : value);
  }
}
