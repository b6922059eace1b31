"""Reading the text back out of the archive's uncompressed PDFs (CID font: UTF-16BE strings)."""

import re

from wuying_archive import views

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
            continue
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
            continue
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """Every shown string of the PDF, joined (needs ``views.PAGE_COMPRESSION = 0``)."""
    texts = []
    for raw in re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf, flags=re.S):
        data = _unescape(raw)
        texts.append(data.decode("utf-16-be", errors="replace") if len(data) % 2 == 0 else data.decode("latin-1"))
    return "\n".join(texts)


def uncompressed(monkeypatch) -> None:
    monkeypatch.setattr(views, "PAGE_COMPRESSION", 0)
