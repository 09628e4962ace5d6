"""Settings' typed values: checking a JSON value against a setting's type, and its text form.

The ``settings.value`` column is text; the API takes and returns typed values:

- ``string`` and ``file`` (a path or URL): a JSON string, stored as is;
- ``integer``: a JSON integer (not a boolean, not 1.5), stored as its decimal digits;
- ``boolean``: a JSON ``true``/``false``, stored as ``"true"``/``"false"``;
- ``json``: any JSON document, stored as compact JSON.

``null`` means "no value" for every type and is stored as NULL.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lectern.models import SettingType

# Bounds of what one setting may hold (the column is TEXT; these keep rows sane).
MAX_TEXT_LENGTH = 65_535
MAX_FILE_LENGTH = 2_048
INTEGER_MIN = -(2**63)
INTEGER_MAX = 2**63 - 1

# A lowercase identifier, optionally dotted: "site.name", "uploads.max_file_mb".
KEY_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
KEY_MAX_LENGTH = 100
_KEY_RE = re.compile(KEY_PATTERN)

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


class SettingValueError(ValueError):
    """A value that does not fit the setting's type (or stored text that cannot be read)."""


def is_valid_key(key: str) -> bool:
    return len(key) <= KEY_MAX_LENGTH and _KEY_RE.fullmatch(key) is not None


def encode(value: Any, type_: SettingType) -> str | None:
    """The text to store for ``value``; raises SettingValueError if it doesn't fit ``type_``."""
    if value is None:
        return None
    if type_ in (SettingType.STRING, SettingType.FILE):
        if not isinstance(value, str):
            raise SettingValueError(f"a {type_.value} setting takes a string")
        limit = MAX_FILE_LENGTH if type_ is SettingType.FILE else MAX_TEXT_LENGTH
        if len(value) > limit:
            raise SettingValueError(f"a {type_.value} setting holds at most {limit} characters")
        return value
    if type_ is SettingType.INTEGER:
        # bool is a subclass of int in Python; JSON true is not an integer.
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingValueError("an integer setting takes a whole number")
        if not INTEGER_MIN <= value <= INTEGER_MAX:
            raise SettingValueError("the number is out of range (64-bit integers)")
        return str(value)
    if type_ is SettingType.BOOLEAN:
        if not isinstance(value, bool):
            raise SettingValueError("a boolean setting takes true or false")
        return "true" if value else "false"
    # JSON: any document made of JSON values; NaN and Infinity are not JSON.
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        raise SettingValueError("a json setting takes a JSON document") from None
    if len(text) > MAX_TEXT_LENGTH:
        raise SettingValueError(f"the JSON document is longer than {MAX_TEXT_LENGTH} characters")
    return text


def decode(text: str | None, type_: SettingType) -> Any:
    """The typed value of stored ``text``; raises SettingValueError if it cannot be read
    (a row written around the API). Booleans also read 1/0, yes/no, on/off."""
    if text is None:
        return None
    if type_ in (SettingType.STRING, SettingType.FILE):
        return text
    if type_ is SettingType.INTEGER:
        try:
            return int(text.strip())
        except ValueError:
            raise SettingValueError(f"stored value {text[:40]!r} is not an integer") from None
    if type_ is SettingType.BOOLEAN:
        word = text.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise SettingValueError(f"stored value {text[:40]!r} is not a boolean")
    try:
        return json.loads(text)
    except ValueError:
        raise SettingValueError("stored value is not valid JSON") from None
