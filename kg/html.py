"""What pages need to carry data safely: JSON that can sit inside a ``<script>`` element.

Both pages of the project (the viz page and the query page of ``kg serve``) hand their data to their script in a
``<script type="application/json">`` block, which no browser executes; :func:`script_json` writes it.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["script_json"]

#: What could close the element or open a comment in it, and the line separators older parsers took for line ends.
_ESCAPES = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(value: Any, *, ensure_ascii: bool = False, compact: bool = True) -> str:
    """Return ``value`` as JSON that can sit inside a ``<script>`` element whatever its strings hold.

    ``JSON.parse`` reads the escapes back, so the data arrives unchanged.

    Args:
        value: what to write (no NaN or infinity).
        ensure_ascii: write every non-ASCII character as an escape.
        compact: leave out the spaces after ``,`` and ``:``.

    Raises:
        ValueError: ``value`` holds NaN or an infinity.
        TypeError: ``value`` holds something JSON cannot write.

    >>> script_json({"quote": "</script><b>&"})
    '{"quote":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    >>> script_json(["a", "é"], ensure_ascii=True, compact=False)
    '["a", "\\\\u00e9"]'
    """
    text = json.dumps(value, ensure_ascii=ensure_ascii, separators=(",", ":") if compact else None, allow_nan=False)
    for char, escape in _ESCAPES:
        text = text.replace(char, escape)
    return text
