"""CSV cells: spreadsheet formulas in free text are neutralised, anything else is kept as is."""
import pytest

from docs_service.core.exports import safe_cell


@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+52 999", "'+52 999"), ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Constructora del Sureste", "Constructora del Sureste"), ("a=b", "a=b"), ("", ""), (None, ""), (42, "42"),
])
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell
