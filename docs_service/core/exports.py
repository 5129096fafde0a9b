"""What every CSV export shares."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Free text for a CSV cell with spreadsheet formulas neutralised (CSV injection): a leading
    `=`, `+`, `-`, `@`, tab or carriage return gets a quote in front."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
