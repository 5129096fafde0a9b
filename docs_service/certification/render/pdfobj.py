"""Serialising pypdf objects of a frame PDF under new object numbers, and the few literals the
writer needs (PDF strings, streams)."""
from __future__ import annotations

import io
import zlib


def stream(data: bytes, extra: str = "", compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 6)
        extra = f"/Filter /FlateDecode {extra}"
    return f"<< /Length {len(data)} {extra} >>\nstream\n".encode() + data + b"\nendstream"


def text_string(text: str) -> str:
    """A PDF text string: UTF-16BE with its byte-order mark, as a hex string (any character)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def reachable(root, reader) -> list[int]:
    """Object numbers of every indirect object reachable from `root` (pypdf objects), in order."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
    seen, order, todo = set(), [], [root]
    while todo:
        obj = todo.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                continue
            seen.add(obj.idnum)
            order.append(obj.idnum)
            todo.append(reader.get_object(obj))
        elif isinstance(obj, (DictionaryObject, StreamObject)):
            todo.extend(v for k, v in obj.items() if k not in ("/Parent", "/P"))
        elif isinstance(obj, ArrayObject):
            todo.extend(obj)
    return order


def serialise(obj, numbers: dict[int, int]) -> bytes:
    """`obj` written with its references renumbered through `numbers`."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
    if isinstance(obj, IndirectObject):
        return f"{numbers[obj.idnum]} 0 R".encode()
    if isinstance(obj, StreamObject):
        data = obj._data
        entries = {k: v for k, v in obj.items() if k != "/Length"}
        head = _dict(entries, numbers)[:-2] + f" /Length {len(data)} >>".encode()
        return head + b"\nstream\n" + data + b"\nendstream"
    if isinstance(obj, DictionaryObject):
        return _dict(obj, numbers)
    if isinstance(obj, ArrayObject):
        return b"[" + b" ".join(serialise(v, numbers) for v in obj) + b"]"
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def _dict(entries, numbers) -> bytes:
    from pypdf.generic import NameObject
    parts = []
    for key, value in entries.items():
        out = io.BytesIO()
        NameObject(key).write_to_stream(out)
        parts.append(out.getvalue() + b" " + serialise(value, numbers))
    return b"<< " + b" ".join(parts) + b" >>"
