"""Errors raised by the package.

Every error is a :class:`KGError` and also inherits the built-in it resembles, so callers can catch either.
Each error knows the exit code the command line uses for it: 1 when the data is invalid, 2 for usage or
runtime errors.

An error whose fix is to change a setting (the store or the data folder) carries a :class:`Hint` naming the
setting, never a command-line flag: the command line words it as its flag and environment variable, the Python
API as its keyword.

>>> error = NotFoundError(f"no store at /tmp/none: run `kg build` first (or {HINT})", hint=Hint(Setting.STORE))
>>> str(error)
'no store at /tmp/none: run `kg build` first (or pass store=DIR)'
>>> error.render(lambda hint: f"pass --{hint.setting} DIR")
'no store at /tmp/none: run `kg build` first (or pass --store DIR)'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "HINT",
    "DataError",
    "DocumentError",
    "EndpointError",
    "FormatError",
    "Hint",
    "KGError",
    "NotFoundError",
    "Problem",
    "QueryError",
    "QueryTimeout",
    "Setting",
    "StoreError",
    "UsageError",
    "python_hint",
]

#: The place in an error's message where its hint goes, worded for whoever shows the error.
HINT = "{hint}"


class Setting(StrEnum):
    """A setting the caller chooses, which the fix of an error may be to change."""

    STORE = "store"
    DATA = "data"


@dataclass(frozen=True)
class Hint:
    """How to get past an error by changing one setting.

    Attributes:
        setting: the setting to change.
        another: the value given cannot work, so the fix is to choose another (not to give one at all).
    """

    setting: Setting
    another: bool = False


#: Each hint in the words of the Python API, whose functions take the settings as these keywords.
_KEYWORDS = {
    Hint(Setting.STORE): "pass store=DIR",
    Hint(Setting.DATA): "pass data_dir=DIR",
    Hint(Setting.STORE, another=True): "choose another store=DIR",
    Hint(Setting.DATA, another=True): "choose another data_dir=DIR",
}


def python_hint(hint: Hint) -> str:
    """Word a hint as the Python API's keyword, e.g. ``pass store=DIR``."""
    return _KEYWORDS[hint]


class KGError(Exception):
    """Base of every error this package raises on purpose.

    Args:
        *args: the message (with :data:`HINT` where the hint goes, when there is one).
        hint: the setting whose change fixes the error, if any.
    """

    exit_code = 2

    def __init__(self, *args: object, hint: Hint | None = None) -> None:
        super().__init__(*args)
        self.hint = hint

    def render(self, word: Callable[[Hint], str] = python_hint) -> str:
        """Return the message with its hint worded by *word* (by default, as the Python API's keyword)."""
        text = super().__str__()
        return text if self.hint is None else text.replace(HINT, word(self.hint))

    def __str__(self) -> str:
        return self.render()


class UsageError(KGError, ValueError):
    """A command or function was called with arguments that cannot work."""


class FormatError(UsageError):
    """A result was asked for in an output format that does not fit its query form (a graph as a table)."""


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
