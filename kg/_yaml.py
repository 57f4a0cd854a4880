"""YAML loading that remembers the line of every mapping and key, so errors can point at them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, Problem

__all__ = ["LocatedDict", "dump", "load"]


class LocatedDict(dict[str, Any]):
    """A mapping read from YAML that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


_STR_TAG = "tag:yaml.org,2002:str"


class _Resolving:
    """Resolve plain scalars that no implicit type can start with (most text) without trying each pattern.

    A plain scalar gets a tag other than ``str`` only if a pattern registered for its first character matches:
    when there is none for that character, the answer is known without a regular expression.
    """

    yaml_implicit_resolvers: dict[Any, list[Any]]
    yaml_path_resolvers: dict[Any, Any]

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """Return the tag of a node, as :meth:`yaml.resolver.BaseResolver.resolve` does."""
        if (kind is yaml.ScalarNode and implicit[0] and value and value[0] not in self.yaml_implicit_resolvers
                and None not in self.yaml_implicit_resolvers and not self.yaml_path_resolvers):
            return _STR_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


class _AliasError(yaml.constructor.ConstructorError):
    """Aliases (``*name``) in a file stand for more values than :data:`ALIAS_VALUES`."""


#: How many values (scalars, lists, mappings) the aliases of one file may stand for in all: far more than any data
#: file repeats (PyYAML writes an alias for each list a dump holds twice), far fewer than an "alias bomb" of a few
#: lines stands for (nine levels of nine aliases: 387 million).
ALIAS_VALUES = 1_000_000


class _BoundedAliases:
    """Count the values that aliases stand for, and stop at :data:`ALIAS_VALUES` before they are walked."""

    constructed_objects: dict[Any, Any]

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)  # type: ignore[call-arg]
        self._alias_values = 0
        self._alias_sizes: dict[int, int] = {}

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        """Construct a node, as :meth:`yaml.constructor.BaseConstructor.construct_object` does."""
        if node in self.constructed_objects:
            self._alias_values += _size(node, self._alias_sizes)
            if self._alias_values > ALIAS_VALUES:
                raise _AliasError(None, None, "too many values through aliases", node.start_mark)
        return super().construct_object(node, deep=deep)  # type: ignore[misc]


def _size(node: Any, sizes: dict[int, int]) -> int:
    """Return how many values a node stands for, its own included, remembering the size of each node."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_size(key, sizes) + _size(value, sizes) for key, value in node.value)
    sizes[id(node)] = size
    return size


class _Loader(_BoundedAliases, _Resolving, yaml.SafeLoader):
    """A safe loader that builds :class:`LocatedDict` mappings and refuses duplicate keys and alias bombs."""


def _construct(loader: _Loader, node: yaml.Node) -> Any:
    # Plain text is by far the most common node: take its value without the constructor's dispatch.
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value
    return loader.construct_object(node, deep=True)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    mapping = LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is not a string: quote it", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice in the same mapping (first on line "
                f"{mapping.key_lines[key]}): keep one", key_node.start_mark
            )
        mapping[key] = _construct(loader, value_node)
        mapping.key_lines[key] = line
    return mapping


def _construct_timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates stay the text the curator wrote: "2023-02" and "2023-02-01" must not become different types.
    return str(loader.construct_scalar(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)

_FastLoader: type[Any]
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(_BoundedAliases, _Resolving, yaml.CSafeLoader):
        """The same loader on libyaml's C parser: the same values and lines, several times faster."""

    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _CLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
    _FastLoader = _CLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = _Loader


def load(path: Path, *, label: str | None = None) -> Any:
    """Load a YAML file, raising :class:`DataError` with the file and line on any syntax error.

    Args:
        path: the file to read.
        label: how to name the file in messages (defaults to the path).

    Raises:
        DataError: the file is not valid UTF-8 YAML.
    """
    name = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError([Problem(f"not UTF-8 ({err.reason} at byte {err.start}): save it as UTF-8",
                                 file=name)]) from err
    if _FastLoader is not _Loader:
        try:
            return yaml.load(text, Loader=_FastLoader)  # a CSafeLoader
        except _AliasError as err:
            raise _alias_error(err, name) from None
        except yaml.YAMLError:
            pass  # parse again with the pure-Python loader below, so that error messages stay exactly the same
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except _AliasError as err:
        raise _alias_error(err, name) from None
    except yaml.MarkedYAMLError as err:
        # An unclosed quote is best located where it opens, not where the scanner gave up.
        opened = isinstance(err, yaml.scanner.ScannerError) and err.context_mark is not None
        mark = err.context_mark if opened else (err.problem_mark or err.context_mark)
        line = mark.line + 1 if mark else None
        what = " ".join(str(p) for p in (err.context, err.problem) if p)
        raise DataError([Problem(f"not valid YAML: {what}; check the indentation and quoting there",
                                 file=name, line=line)]) from err
    except yaml.YAMLError as err:
        raise DataError([Problem(f"not valid YAML: {err}", file=name)]) from err


def _alias_error(err: _AliasError, name: str) -> DataError:
    line = err.problem_mark.line + 1 if err.problem_mark else None
    return DataError([Problem(f"the aliases (*name) of the value anchored here (&name) stand for over "
                              f"{ALIAS_VALUES:,} values, which no data file needs: write the values out instead of "
                              "repeating them through aliases", file=name, line=line)])


def dump(data: Any) -> str:
    """Dump data as block-style YAML with keys in the given order and text kept readable."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
