"""A knowledge graph of what health documents claim, how strongly, and on what evidence."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import DataError, DocumentError, KGError, NotFoundError, Problem, StoreError, UsageError

try:
    __version__ = version("clinical-evidence-kg")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "DataError",
    "DocumentError",
    "KGError",
    "NotFoundError",
    "Problem",
    "StoreError",
    "UsageError",
    "__version__",
]
