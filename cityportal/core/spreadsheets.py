"""CSV cells that a spreadsheet opens as text, never as a formula (CSV injection)."""

# A spreadsheet runs a cell beginning with one of these as a formula; a leading apostrophe makes it
# text. Tab and carriage return are included as OWASP advises.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
