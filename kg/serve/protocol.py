"""HTTP/1.1 as ``kg serve`` reads and writes it: a request's head and body off a stream, an answer onto one.

Reading is strict where leniency lets one request pass for another: a body has one length, given by
``Content-Length`` or by chunked transfer coding, never both; a chunked body is read to its end, so what follows
it is the next request and not the body's leftovers.

>>> answer = Response(200, b"{}", "application/json").encode(head_only=False, keep_alive=False)
>>> answer.split(b"\\r\\n")[0]
b'HTTP/1.1 200 OK'
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from http import HTTPStatus

__all__ = ["BadRequest", "Request", "Response", "read_body", "read_head"]

#: Header lines a request may have.
MAX_HEADERS = 100
#: Bytes a request's head may have.
MAX_HEAD = 128 << 10


class BadRequest(Exception):
    """A request that cannot be read: answered with ``status`` and ``message``, then the connection is closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Request:
    """A request's head (and, once read, its body)."""

    method: str
    target: str
    version: str
    headers: dict[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """Return a header's value (names are case-insensitive), or None."""
        return self.headers.get(name.lower())

    @property
    def keep_alive(self) -> bool:
        """Whether the client wants the connection kept open after the answer."""
        connection = (self.header("connection") or "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


@dataclass(frozen=True)
class Response:
    """An answer: status, body, media type and extra headers."""

    status: int
    body: bytes
    media: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        """Return a plain-text answer of one line."""
        return cls(status, (message + "\n").encode("utf-8"), headers=headers or {})

    def encode(self, *, head_only: bool, keep_alive: bool, extra: dict[str, str] | None = None) -> bytes:
        """Return the answer's bytes (without the body for HEAD)."""
        reason = HTTPStatus(self.status).phrase
        lines = [f"HTTP/1.1 {self.status} {reason}", f"Content-Type: {self.media}",
                 f"Content-Length: {len(self.body)}", "X-Content-Type-Options: nosniff",
                 "Connection: " + ("keep-alive" if keep_alive else "close")]
        lines += [f"{name}: {value}" for name, value in {**self.headers, **(extra or {})}.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return head if head_only else head + self.body


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readline()
    except ValueError:  # a line longer than the stream's limit
        raise BadRequest(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "a request line or header is too long") from None


async def read_head(reader: asyncio.StreamReader) -> Request | None:
    """Read a request line and its headers; return None if the client closed the connection first.

    Raises:
        BadRequest: the head is malformed or too large.
    """
    line = await _line(reader)
    while line in (b"\r\n", b"\n"):  # an empty line before a request is tolerated (RFC 9112, 2.2)
        line = await _line(reader)
    if not line:
        return None
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise BadRequest(HTTPStatus.BAD_REQUEST, "malformed request line")
    method, target, version = parts
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise BadRequest(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are spoken here")
    headers: dict[str, str] = {}
    size = len(line)
    while True:
        line = await _line(reader)
        size += len(line)
        if not line:
            raise BadRequest(HTTPStatus.BAD_REQUEST, "the request ended inside its headers")
        if line in (b"\r\n", b"\n"):
            break
        if size > MAX_HEAD or len(headers) >= MAX_HEADERS:
            raise BadRequest(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many or too large headers")
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name or name != name.strip():
            raise BadRequest(HTTPStatus.BAD_REQUEST, "malformed header line")
        key = name.lower()
        if key in headers and key in ("host", "content-length", "transfer-encoding"):
            raise BadRequest(HTTPStatus.BAD_REQUEST, f"more than one {name} header")
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return Request(method, target, version, headers)


async def read_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: Request,
                    max_body: int) -> bytes:
    """Read the request's body, whole: by its Content-Length or its chunks.

    Raises:
        BadRequest: the length is missing, malformed or too large, or the chunks are malformed.
    """
    coding = request.header("transfer-encoding")
    length = request.header("content-length")
    if coding is not None and length is not None:
        raise BadRequest(HTTPStatus.BAD_REQUEST, "give Content-Length or Transfer-Encoding, not both")
    if coding is not None and coding.lower() != "chunked":
        raise BadRequest(HTTPStatus.NOT_IMPLEMENTED, "the only transfer coding understood is chunked")
    if coding is None and length is None:
        return b""
    if length is not None and not length.isdigit():
        raise BadRequest(HTTPStatus.BAD_REQUEST, "Content-Length must be a whole number of bytes")
    if length is not None and int(length) > max_body:
        raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"query too large: at most {max_body} bytes")
    if (request.header("expect") or "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    try:
        if length is not None:
            return await reader.readexactly(int(length))
        return await _chunks(reader, max_body)
    except asyncio.IncompleteReadError:
        raise BadRequest(HTTPStatus.BAD_REQUEST, "the request ended before its body did") from None


async def _chunks(reader: asyncio.StreamReader, max_body: int) -> bytes:
    body = bytearray()
    while True:
        size_line = (await _line(reader)).split(b";")[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise BadRequest(HTTPStatus.BAD_REQUEST, "malformed chunk size in a chunked body") from None
        if size < 0 or len(body) + size > max_body:
            raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"query too large: at most {max_body} bytes")
        if size == 0:
            break
        body += await reader.readexactly(size)
        if await reader.readexactly(2) != b"\r\n":
            raise BadRequest(HTTPStatus.BAD_REQUEST, "a chunk of a chunked body is longer than its size says")
    while (await _line(reader)) not in (b"\r\n", b"\n", b""):  # trailer fields, ignored
        pass
    return bytes(body)
