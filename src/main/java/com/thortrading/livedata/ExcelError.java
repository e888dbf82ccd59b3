package com.thortrading.livedata;

import java.util.Map;

/**
 * An Excel error cell (#N/A, #VALUE!, ...) as COM reports it: a VT_ERROR variant holding an SCODE.
 *
 * <p>Kept as its own cell type so that no error code can ever be mistaken for a number.
 */
public record ExcelError(int code) {

  private static final Map<Integer, String> NAMES = Map.of(
      0x800A07D0, "#NULL!", 0x800A07D7, "#DIV/0!", 0x800A07DF, "#VALUE!", 0x800A07E7, "#REF!",
      0x800A07ED, "#NAME?", 0x800A07F4, "#NUM!", 0x800A07FA, "#N/A", 0x800A07FB, "#GETTING_DATA");

  public String label() {
    return NAMES.getOrDefault(code, "#ERROR(" + Integer.toHexString(code) + ")");
  }

  @Override
  public String toString() {
    return label();
  }
}
