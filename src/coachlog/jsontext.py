"""JSON as coachlog writes it, for a terminal and for files alike (`--json`, exports)."""

from __future__ import annotations

import json
import re
from typing import Any

# Bidi and C1 characters, and lone surrogates (which cannot be written as UTF-8 at all).
_JSON_UNSAFE = re.compile(
    r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\x7f-\x9f\ud800-\udfff]"
)


def dumps(data: Any) -> str:
    """JSON for stdout: readable UTF-8, but bidi and C1 characters escaped (\\uXXXX) so that
    printing it to a terminal cannot reorder or restyle the screen, and lone surrogates. It
    parses back exactly."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
