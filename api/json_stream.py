"""A large JSON body read piece by piece: the top-level object's members as their JSON text, and the items of
one array member one at a time, so a caller validates and stores a few thousand rows at a time instead of
parsing the whole body (whose objects cost several times its size). Each value's end is found by the
standard library's decoder; the text itself is left for the caller's validator (pydantic parses it again, so
what is accepted, and every error, stays the validator's)."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

PIECE = 1 << 20  # bytes read at a time
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class NotStreamable(Exception):
    """The body is not of the form streamed (or not JSON): the caller reads it whole, for its exact answer."""


class _Text:
    """The body decoded from UTF-8 piece by piece; `pos` is where reading goes on."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream, self._utf8 = stream, codecs.getincrementaldecoder("utf-8")()
        self.text, self.pos, self.eof = "", 0, False

    def _more(self) -> bool:
        if self.eof:
            return False
        raw = self._stream.read(PIECE)
        self.eof = not raw
        try:
            more = self._utf8.decode(raw, final=self.eof)
        except UnicodeDecodeError:
            raise NotStreamable from None
        self.text, self.pos = self.text[self.pos :] + more, 0
        return True

    def char(self, consume: bool = True) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]  # matches the empty text
            if self.pos < len(self.text):
                self.pos += consume
                return self.text[self.pos - consume]
            if not self._more():
                return ""

    def value(self) -> tuple[object, str]:
        """The next JSON value and its text."""
        self.char(consume=False)
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
                if end < len(self.text) or self.eof:  # a number at the end of a piece may go on in the next
                    text, self.pos = self.text[self.pos : end], end
                    return value, text
            except json.JSONDecodeError:
                if self.eof:
                    raise NotStreamable from None
            self._more()


def members(stream: BinaryIO, array: str) -> Iterator[tuple[str | None, str | None]]:
    """(key, text) for each member of the top-level object; for the member named `array` when it is an array,
    (array, None) and then (None, text) for each of its items. NotStreamable when the body is not one object."""
    body = _Text(stream)
    if body.char() != "{":
        raise NotStreamable
    end = body.char(consume=False) == "}"
    while not end:
        key, _ = body.value()
        if not isinstance(key, str) or body.char() != ":":
            raise NotStreamable
        if key == array and body.char(consume=False) == "[":
            yield key, None
            yield from _items(body)
        else:
            yield key, body.value()[1]
        end = _after(body, "}")
    if body.char() != "}" or body.char() != "":
        raise NotStreamable


def _items(body: _Text) -> Iterator[tuple[None, str]]:
    body.char()  # the "["
    if body.char(consume=False) == "]":
        body.char()
        return
    while True:
        yield None, body.value()[1]
        if _after(body, "]"):
            body.char()
            return


def _after(body: _Text, close: str) -> bool:
    """After a value: True before `close` (not consumed), False after a comma."""
    c = body.char(consume=False)
    if c == close:
        return True
    if body.char() != ",":
        raise NotStreamable
    return False
