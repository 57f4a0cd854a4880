"""Errors raised by the package.

Every error is a :class:`KGError` and also inherits the built-in it resembles, so callers can catch either.
Each error knows the exit code the command line uses for it: 1 when the data is invalid, 2 for usage or
runtime errors.

A message whose fix is to change something the caller chose names it without naming a command-line flag, so
that the command line words it as its flag and the Python API as its keyword:

- the store or the data folder, through a :class:`Hint` at :data:`HINT`: a whole phrase, since the command line
  also names the environment variable;
- any other option, through its :class:`Option`, which writes itself into a message as a placeholder (``{out}``,
  or ``{format=void}`` with the value it would take).

:meth:`KGError.render` (and :func:`fill`, for text that is not an error) words them; ``str(error)`` in the words
of the Python API.

>>> error = NotFoundError(f"no store at /tmp/none: run `kg build` first (or {HINT})", hint=Hint(Setting.STORE))
>>> str(error)
'no store at /tmp/none: run `kg build` first (or pass store=DIR)'
>>> error.render(lambda hint: f"pass --{hint.setting} DIR")
'no store at /tmp/none: run `kg build` first (or pass --store DIR)'

A message that names two options, in the Python API's words and in those of a command line whose flags are the
options' names (``kg.commands.cli_hint`` is the real one):

>>> error = UsageError(f"{Option.VIEW:nanopub} needs named graphs: use {Option.FORMAT:trig} or leave {Option.VIEW} out")
>>> error.template
'{view=nanopub} needs named graphs: use {format=trig} or leave {view} out'
>>> str(error)
'view=nanopub needs named graphs: use fmt=trig or leave view out'
>>> error.render(lambda said: f"--{said.option.value} {said.value or ''}".rstrip())
'--view nanopub needs named graphs: use --format trig or leave --view out'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

__all__ = [
    "HINT",
    "DataError",
    "DocumentError",
    "EndpointError",
    "FormatError",
    "Hint",
    "KGError",
    "Mention",
    "Message",
    "NotFoundError",
    "Option",
    "Problem",
    "QueryError",
    "QueryTimeout",
    "Setting",
    "StoreError",
    "UsageError",
    "Wording",
    "fill",
    "mentions",
    "python_hint",
]

#: The place in an error's message where its hint goes, worded for whoever shows the error.
HINT = "{hint}"


class Setting(StrEnum):
    """A folder the caller chooses, which the fix of an error may be to change.

    Named through a :class:`Hint`, a whole phrase, since the command line names its environment variable too;
    every other option a message names is an :class:`Option`.
    """

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


class Option(Enum):
    """An option the caller chooses, which a message may name (often because its fix is to change it).

    In a message an option writes itself as its placeholder: ``f"choose another {Option.OUT}"`` gives
    ``choose another {out}``, and a format spec is the value it would take: ``f"{Option.FORMAT:trig}"`` gives
    ``{format=trig}``. :meth:`KGError.render` and :func:`fill` put the caller's words in their place.
    """

    OUT = "out"
    VIEW = "view"
    FORMAT = "format"
    LICENCE = "licence"
    BASE_URL = "base_url"
    SPARQL_ENDPOINT = "sparql_endpoint"
    QUERY = "query"
    DOC = "doc"
    CATEGORY = "category"
    MODALITY = "modality"
    MAX_TRIPLES = "max_triples"
    DEFAULT_GRAPH = "default_graph"
    BATCH_SIZE = "batch_size"
    GRAPH_STORE = "graph_store"
    PORT = "port"
    MAX_BYTES = "max_bytes"
    TITLE = "title"
    ID = "id"
    AUTH = "auth"
    TIMEOUT = "timeout"
    USER = "user"
    PASSWORD = "password"
    INCLUDE_PROPOSED = "include_proposed"
    FULL = "full"
    ALLOW_SERVICE = "allow_service"
    HOST_NAME = "host_name"
    CORS = "cors"
    MEMORY = "memory"
    MAX_ANSWER = "max_answer"
    HEAVY_WORKERS = "heavy_workers"

    def __str__(self) -> str:
        return f"{{{self.value}}}"

    def __format__(self, spec: str) -> str:
        return f"{{{self.value}={spec}}}" if spec else str(self)


@dataclass(frozen=True)
class Mention:
    """One place where a message names an option.

    Attributes:
        option: the option named.
        value: the value the message gives it (``trig`` in "use --format trig"), if any.
    """

    option: Option
    value: str | None = None


#: How whoever shows a message words its hint and the options it names.
Wording = Callable[[Hint | Mention], str]

#: Each hint in the words of the Python API, whose functions take the settings as these keywords.
_KEYWORDS = {
    Hint(Setting.STORE): "pass store=DIR",
    Hint(Setting.DATA): "pass data_dir=DIR",
    Hint(Setting.STORE, another=True): "choose another store=DIR",
    Hint(Setting.DATA, another=True): "choose another data_dir=DIR",
}

#: Each option as the keyword of the library function that takes it. Where the names differ from the command
#: line's: ``fmt`` (:func:`kg.export.export`, :func:`kg.documents.add_document`), ``categories`` and ``modalities``
#: (:func:`kg.viz.build_view` takes several), ``statements_graph`` (:func:`kg.push.push`), ``doc_id``
#: (:func:`kg.documents.add_document`). ``graph_store``, ``user`` and ``password`` are fields of
#: :class:`kg.push.Remote` and keywords of :class:`kg.sparql.remote.RemoteBackend`; ``full=True`` is how a caller of
#: :func:`kg.incremental.build` asks for a full build.
_OPTION_KEYWORDS = {
    Option.OUT: "out",
    Option.VIEW: "view",
    Option.FORMAT: "fmt",
    Option.LICENCE: "licence",
    Option.BASE_URL: "base_url",
    Option.SPARQL_ENDPOINT: "sparql_endpoint",
    Option.QUERY: "query",
    Option.DOC: "doc",
    Option.CATEGORY: "categories",
    Option.MODALITY: "modalities",
    Option.MAX_TRIPLES: "max_triples",
    Option.DEFAULT_GRAPH: "statements_graph",
    Option.BATCH_SIZE: "batch_size",
    Option.GRAPH_STORE: "graph_store",
    Option.PORT: "port",
    Option.MAX_BYTES: "max_bytes",
    Option.TITLE: "title",
    Option.ID: "doc_id",
    Option.AUTH: "auth",
    Option.TIMEOUT: "timeout",
    Option.USER: "user",
    Option.PASSWORD: "password",
    Option.INCLUDE_PROPOSED: "include_proposed",
    Option.FULL: "full=True",
    Option.ALLOW_SERVICE: "allow_services",
    Option.HOST_NAME: "host_names",
    Option.CORS: "cors",
    Option.MEMORY: "memory_mb",
    Option.MAX_ANSWER: "max_answer_mb",
    Option.HEAVY_WORKERS: "heavy_workers",
}

# An option's placeholder: {out}, or {format=trig} with a value (which holds no braces).
_MENTION = re.compile(r"\{(" + "|".join(option.value for option in Option) + r")(?:=([^{}]*))?\}")


def python_hint(said: Hint | Mention) -> str:
    """Word a hint or an option as the Python API's keyword, e.g. ``pass store=DIR`` or ``fmt=trig``."""
    if isinstance(said, Hint):
        return _KEYWORDS[said]
    keyword = _OPTION_KEYWORDS[said.option]
    return keyword if said.value is None else f"{keyword}={said.value}"


def mentions(text: str) -> list[Mention]:
    """Return the options *text* names, in order.

    >>> mentions(f"use {Option.FORMAT:trig} with {Option.OUT}")
    [Mention(option=<Option.FORMAT: 'format'>, value='trig'), Mention(option=<Option.OUT: 'out'>, value=None)]
    """
    return [Mention(Option(match[1]), match[2]) for match in _MENTION.finditer(text)]


def fill(text: str, word: Wording = python_hint, *, hint: Hint | None = None) -> str:
    """Return *text* with the options it names, and its *hint* at :data:`HINT`, worded by *word*."""
    text = _MENTION.sub(lambda match: word(Mention(Option(match[1]), match[2])), text)
    return text if hint is None else text.replace(HINT, word(hint))


@dataclass(frozen=True)
class Message:
    """A text that is not an error but may name options, such as the reason for a full build.

    >>> str(Message(f"asked with {Option.FULL}"))
    'asked with full=True'

    Attributes:
        template: the text, with a placeholder for each option it names.
    """

    template: str = ""

    def render(self, word: Wording = python_hint) -> str:
        """Return the text with the options it names worded by *word* (by default, as the Python API's keywords)."""
        return fill(self.template, word)

    def __str__(self) -> str:
        return self.render()


class KGError(Exception):
    """Base of every error this package raises on purpose.

    The message may name options (see :class:`Option`) and have a hint at :data:`HINT`; :meth:`render` words them.

    Args:
        *args: the message.
        hint: the setting whose change fixes the error, if any.
    """

    exit_code = 2

    def __init__(self, *args: object, hint: Hint | None = None) -> None:
        super().__init__(*args)
        self.hint = hint

    @property
    def template(self) -> str:
        """The message with its placeholders, to be worded by :meth:`render` (or to go into another message)."""
        return super().__str__()

    @property
    def options(self) -> tuple[Option, ...]:
        """The options the message names, in order, each once."""
        return tuple(dict.fromkeys(mention.option for mention in mentions(self.template)))

    def render(self, word: Wording = python_hint) -> str:
        """Return the message worded by *word* (by default, in the Python API's words)."""
        return fill(self.template, word, hint=self.hint)

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
        message: what is wrong and how to fix it (the options it names as placeholders: see :func:`fill`).
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
