"""Plain text and Markdown, with a documented encoding fallback.

Decoding order: UTF-16 with a BOM; UTF-16 without a BOM when the NUL bytes sit in every
other position and the bytes decode cleanly (with a warning); UTF-8 (with or without BOM),
then Windows-1252 (a superset of Latin-1 for printable text) with a warning. A few stray NUL
bytes in text are dropped with a warning rather than losing the whole text; data that looks
binary (many NUL bytes, many control characters) is refused.
"""

from __future__ import annotations

from index.loaders.base import LoadedDocument, LoadedPage, LoadError

_CONTROL_OK = {"\t", "\n", "\r", "\f", "\v"}
_MAX_CONTROL_RATIO = 0.05
_MAX_STRAY_NUL_RATIO = 0.001  # more NUL bytes than this (and not UTF-16) is binary data
_UTF16_NUL_SHARE = 0.3  # ASCII-heavy UTF-16: at least this share of one byte parity is NUL


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
    nul_note = None
    if b"\x00" in raw:
        utf16 = _utf16_without_bom(raw)
        if utf16 is not None:
            return utf16
        nuls = raw.count(b"\x00")
        if nuls > max(1, len(raw) * _MAX_STRAY_NUL_RATIO):
            raise LoadError("binary data, not text (NUL bytes)")
        raw = raw.replace(b"\x00", b"")
        nul_note = f"dropped {nuls} NUL byte{'s' if nuls > 1 else ''} from the text"
    text, warning = _decode_8bit(raw)
    notes = "; ".join(n for n in (nul_note, warning) if n)
    return text, notes or None


def _decode_8bit(raw: bytes) -> tuple[str, str | None]:
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


def _utf16_without_bom(raw: bytes) -> tuple[str, str | None] | None:
    """UTF-16 text without a byte-order mark: Latin-script UTF-16 has a NUL in every other
    byte. Accepted only when it decodes cleanly and reads as text."""
    if len(raw) % 2:
        return None
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    half = len(raw) // 2
    encoding = "utf-16-le" if odd >= even else "utf-16-be"
    if max(even, odd) < half * _UTF16_NUL_SHARE:
        return None
    try:
        text = _check_not_binary(raw.decode(encoding))
    except (UnicodeDecodeError, LoadError):
        return None
    if "\x00" in text:
        return None
    return text, f"UTF-16 text without a byte-order mark; decoded as {encoding}"


def _check_not_binary(text: str) -> str:
    sample = text[:65536]
    control = sum(1 for ch in sample if ch < " " and ch not in _CONTROL_OK)
    if sample and control / len(sample) > _MAX_CONTROL_RATIO:
        raise LoadError("binary data, not text (control characters)")
    return text
