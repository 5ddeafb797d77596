"""CSV the app writes: cells that a spreadsheet would run as a formula are defused."""

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def defuse_cell(value: object) -> object:
    """Prefix a text cell starting with a formula character with a quote (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> bytes:
    """Return a DataFrame as UTF-8 CSV bytes (with BOM for Excel), formula cells defused."""
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    defused = frame.copy()
    for column in text_columns:
        defused[column] = defused[column].map(defuse_cell)
    return defused.to_csv(index=False).encode("utf-8-sig")
