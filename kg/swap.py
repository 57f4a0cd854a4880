"""Exchange two folders in one step, where the system can: a reader opening either path sees one or the other.

Linux (3.15 and later, on most file systems) exchanges two paths atomically with ``renameat2(RENAME_EXCHANGE)``;
elsewhere :func:`exchange` says it cannot, and the caller falls back on two renames.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["exchange"]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: What renameat2 answers when the system or the file system cannot exchange: fall back on two renames.
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV})


@cache
def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Exchange two existing paths in one step; return ``False`` when the system cannot (nothing was changed).

    Raises:
        OSError: the system can exchange paths but refused these two (one is missing, say).
    """
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
