"""Errors raised by the package.

Every error is a :class:`KGError` and also inherits the built-in it resembles, so callers can catch either.
Each error knows the exit code the command line uses for it: 1 when the data is invalid, 2 for usage or
runtime errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "DataError",
    "DocumentError",
    "EndpointError",
    "KGError",
    "NotFoundError",
    "Problem",
    "QueryError",
    "QueryTimeout",
    "StoreError",
    "UsageError",
]


class KGError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 2


class UsageError(KGError, ValueError):
    """A command or function was called with arguments that cannot work."""


class NotFoundError(KGError, FileNotFoundError):
    """A file, folder, document or query that was asked for does not exist."""


class StoreError(KGError, OSError):
    """The store could not be opened, written or replaced."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as possible.

    Attributes:
        message: what is wrong and how to fix it.
        file: the file the problem is in, if known.
        line: the 1-based line in that file, if known.
        claim: the id of the claim concerned, if any.
    """

    message: str
    file: str | None = None
    line: int | None = None
    claim: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.claim:
            where = f"{where} claim {self.claim}" if where else f"claim {self.claim}"
        return f"{where}: {self.message}" if where else self.message


class DataError(KGError, ValueError):
    """The data (documents, claims, entities) is invalid; carries every problem found."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        self.problems: Sequence[Problem] = (
            [Problem(problems)] if isinstance(problems, str) else list(problems)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


class DocumentError(DataError):
    """A document file cannot be added: missing, empty, binary, not UTF-8 or too large."""


class QueryError(KGError, ValueError):
    """A query cannot run as asked: syntax error, unknown name, missing or extra parameter, bad value."""


class QueryTimeout(KGError, TimeoutError):
    """A query ran past its time limit."""


class EndpointError(KGError, OSError):
    """A remote SPARQL endpoint is down, refused the credentials, or answered something that is not SPARQL."""
