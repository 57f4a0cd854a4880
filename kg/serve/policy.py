"""Who may ask, and what a query may make the server do: federated queries, the Host header, cross-origin reads.

A ``SERVICE`` clause makes the endpoint send HTTP requests wherever the query says, including to services on the
host's private network, so ``kg serve`` refuses it unless the endpoint is one the operator allowed. The check reads
the query text as SPARQL's tokens (IRIs, strings and comments apart), and errs on the side of refusing:

>>> allowed = Access(services=("http://example.org/sparql",))
>>> check_services('SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }', allowed)
>>> check_services('SELECT * { ?s ?p "SERVICE <http://10.0.0.1/>" }  # SERVICE <http://10.0.0.1/>', Access())
>>> check_services('SELECT * { SERVICE SILENT <http://10.0.0.1/admin> { ?s ?p ?o } }', allowed)
Traceback (most recent call last):
...
kg.serve.policy.Refused: SERVICE <http://10.0.0.1/admin> is refused: this endpoint sends federated queries only to \
the endpoints its operator allows (start the server with allow_services=http://10.0.0.1/admin to allow this one)

A request's Host header must name this server, so that a web page whose name was rebound to 127.0.0.1 cannot
read it (DNS rebinding):

>>> loopback = Access.bound_to("127.0.0.1")
>>> loopback.host_allowed("localhost:7878"), loopback.host_allowed("127.0.0.1"), loopback.host_allowed("evil.example")
(True, True, False)
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from ..errors import Option, QueryError

__all__ = ["Access", "Refused", "check_services", "service_targets"]


class Refused(QueryError):
    """The query asks for something this endpoint does not do for its clients (a federated query)."""


# SPARQL's tokens that may hold the word SERVICE without being the keyword: IRIs, strings, comments.
_SKIPPED = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                      r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
# The keyword, not part of a variable, a prefixed name, a blank node label or a language tag.
_SERVICE = re.compile(r"(?<![\w?$:@-])SERVICE(?![\w:-])", re.IGNORECASE)
_SILENT = re.compile(r"\s*SILENT(?![\w:-])", re.IGNORECASE)
_IRI = re.compile(r'\s*<([^<>"{}|^`\\\x00-\x20]*)>')


def service_targets(text: str) -> list[str]:
    """Return what each ``SERVICE`` clause of the query names: an IRI's text, or the token written instead.

    >>> service_targets('PREFIX e: <http://e/> SELECT * { SERVICE e:x { ?s ?p ?o } SERVICE <http://a/> {} }')
    ['e:x', '<http://a/>']
    """
    spans = [match.span() for match in _SKIPPED.finditer(text)]
    masked = _SKIPPED.sub(lambda match: " " * len(match.group()), text)
    targets = []
    for keyword in _SERVICE.finditer(masked):
        at = keyword.end()
        silent = _SILENT.match(masked, at)
        if silent:
            at = silent.end()
        iri = _IRI.match(text, at)
        if iri and any(start <= iri.start(1) < end for start, end in spans):
            targets.append(f"<{iri.group(1)}>")
        else:
            rest = text[at:].split()
            targets.append(rest[0] if rest else "(nothing)")
    return targets


def check_services(text: str, access: Access) -> None:
    """Refuse the query if it has a ``SERVICE`` clause whose endpoint the operator did not allow.

    Only an absolute IRI written out in full can be allowed: a variable, a prefixed name or a relative IRI is
    refused, since what it stands for is known only once the query runs.

    Raises:
        Refused: the first clause refused, with what to do.
    """
    for target in service_targets(text):
        endpoint = target[1:-1] if target.startswith("<") else None
        if endpoint is not None and endpoint in access.services:
            continue
        if endpoint is not None and re.match(r"https?://", endpoint):
            fix = f"start the server with {Option.ALLOW_SERVICE:{endpoint}} to allow this one"
        elif endpoint is not None:
            fix = "name an allowed endpoint by its full http(s) IRI"
        else:
            fix = "write the endpoint as a full IRI in angle brackets, one its operator allowed"
        raise Refused(f"SERVICE {target} is refused: this endpoint sends federated queries only to the endpoints "
                      f"its operator allows ({fix})")


_LOOPBACK_NAMES = ("localhost",)


@dataclass(frozen=True)
class Access:
    """What the server answers, and for whom.

    Attributes:
        services: the endpoints ``SERVICE`` clauses may name (the IRIs exactly as written in the query).
        host_names: the names (or addresses) a request's Host header may give, besides the bound address.
        cors: the origins whose pages may read the answers (``*`` for any); none by default.
        bound: the address the server listens on.
    """

    services: tuple[str, ...] = ()
    host_names: tuple[str, ...] = ()
    cors: tuple[str, ...] = ()
    bound: str = "127.0.0.1"
    _names: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def bound_to(cls, bound: str, *, services: tuple[str, ...] = (), host_names: tuple[str, ...] = (),
                 cors: tuple[str, ...] = ()) -> Access:
        """Return the access rules of a server listening on ``bound``."""
        names = {bound.lower().strip("[]"), *(name.lower().strip("[]") for name in host_names)}
        if _loopback(bound) or _wildcard(bound):
            names.update(_LOOPBACK_NAMES)
            names.update(("127.0.0.1", "::1"))
        return cls(services, host_names, cors, bound, frozenset(names))

    def host_allowed(self, host: str | None) -> bool:
        """Whether a request with this Host header is for this server (any port: a tunnel may change it)."""
        if host is None:
            return False
        name = host.strip().lower()
        if name.startswith("["):
            name = name[1:name.find("]")] if "]" in name else name
        elif name.count(":") == 1:
            name = name.split(":")[0]
        if name in self._names:
            return True
        # Bound to every address, the server may be reached by any of this machine's addresses: an address is
        # no rebound name, so it is safe to answer.
        return _wildcard(self.bound) and _is_address(name)

    def names(self) -> str:
        """Return the names the Host header may give, for a message."""
        return ", ".join(sorted(self._names))

    def cors_origin(self, origin: str | None) -> str | None:
        """Return the value of Access-Control-Allow-Origin for a request from ``origin``, or None to give none."""
        if origin is None or not self.cors:
            return None
        if "*" in self.cors:
            return "*"
        return origin if origin in self.cors else None


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _loopback(address: str) -> bool:
    return address == "localhost" or (_is_address(address.strip("[]"))
                                      and ipaddress.ip_address(address.strip("[]")).is_loopback)


def _wildcard(address: str) -> bool:
    return address.strip("[]") in ("0.0.0.0", "::", "")
