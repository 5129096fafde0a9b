"""Marshmallow fields shared by every area's schemas."""
import re
from datetime import datetime, timezone

from marshmallow import ValidationError, fields, validate


class DateTime(fields.AwareDateTime):
    """A date-time with its UTC offset on the wire (RFC 3339), naive UTC in the database.

    Out: a stored (naive) value is UTC and is written with `+00:00`. In: the offset is required
    (a value without one is ambiguous → 422) and the value is converted to naive UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        aware = super()._deserialize(value, attr, data, **kwargs)
        return aware.astimezone(timezone.utc).replace(tzinfo=None)


class Pattern(validate.Regexp):
    """A regular expression the whole value must match, with the same meaning in Python and in the
    OpenAPI document (ECMA regex): write it with `^…$` and ASCII classes (`[0-9]`, not `\\d`);
    it is applied with `fullmatch`, so `$` never lets a trailing newline through."""

    def __init__(self, pattern: str, error: str | None = None):
        super().__init__(pattern, error=error or "No cumple el formato {regex}.")

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


# Text typed by a person: no control characters (tab and newline only where `multiline`).
SINGLE_LINE = r"^[^\u0000-\u001f\u007f]*$"
MULTILINE = r"^[^\u0000-\u0008\u000b-\u001f\u007f]*$"
# Required text: besides the above, at least one character that is not blank (what str.strip()
# removes), so a title of only spaces is refused by the schema, not later by a business rule.
_BLANK = "\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_CTRL = "\\u0000-\\u0008\\u000b-\\u001f\\u007f"
REQUIRED_TEXT = f"^[^{_CTRL}]*[^{_BLANK}{_CTRL}][^{_CTRL}]*$"


class ConfiguredPattern(Pattern):
    """A Pattern taken from the app's configuration (e.g. DOCS_CLAVE_PATTERN), so validation and the
    OpenAPI document (built inside the app context) follow what the operator configured."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(self._default())

    def _default(self) -> str:
        from ..config import SETTINGS
        return SETTINGS[self.key.removeprefix("DOCS_")][1]

    @property
    def regex(self):
        from flask import current_app, has_app_context
        configured = current_app.config.get(self.key) if has_app_context() else None
        return re.compile(f"^(?:{configured or self._default()})$")

    @regex.setter
    def regex(self, _value):
        pass  # fixed by the configuration


def text(limit: int, blank: bool = True, **kwargs) -> fields.String:
    """A person's text: no control characters but tab and newline; not blank where `blank=False`."""
    return fields.String(validate=[validate.Length(max=limit), Pattern(MULTILINE if blank else REQUIRED_TEXT)],
                         **kwargs)
