"""Plain text and Markdown, with a documented encoding fallback.

Decoding order: UTF-8 (with or without BOM), UTF-16 with a BOM, then Windows-1252 (a superset
of Latin-1 for printable text) with a warning. Data that looks binary (NUL bytes, many control
characters) is refused.
"""

from __future__ import annotations

from index.loaders.base import LoadedDocument, LoadedPage, LoadError

_CONTROL_OK = {"\t", "\n", "\r", "\f", "\v"}
_MAX_CONTROL_RATIO = 0.05


def load_text(raw: bytes) -> LoadedDocument:
    text, warning = decode_text(raw)
    return LoadedDocument("text", [LoadedPage(text)], [warning] if warning else [])


def decode_text(raw: bytes) -> tuple[str, str | None]:
    """Return the text and a warning when a fallback encoding was used."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _check_not_binary(raw.decode("utf-16")), None
        except UnicodeDecodeError:
            raise LoadError("invalid UTF-16 text (the byte-order mark says UTF-16)") from None
    if b"\x00" in raw[:65536]:
        raise LoadError("binary data, not text (NUL bytes)")
    try:
        return _check_not_binary(raw.decode("utf-8-sig")), None
    except UnicodeDecodeError as exc:
        utf8_error = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
    for encoding in ("cp1252", "latin-1"):
        try:
            text = _check_not_binary(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
        return text, f"{utf8_error}; decoded as {encoding}"
    raise LoadError(utf8_error)  # pragma: no cover - latin-1 decodes every byte


def _check_not_binary(text: str) -> str:
    sample = text[:65536]
    control = sum(1 for ch in sample if ch < " " and ch not in _CONTROL_OK)
    if sample and control / len(sample) > _MAX_CONTROL_RATIO:
        raise LoadError("binary data, not text (control characters)")
    return text
