"""PDF: text per page (pages are 1-based). Encrypted files open only with an empty password."""

from __future__ import annotations

import io
import logging

from index.loaders.base import LoadedDocument, LoadedPage, LoadError

_PASSWORD_NEEDED = "encrypted PDF: a password is required to read it"
# pypdf refuses arrays of more than 100,000 elements (a guard against hostile files); real
# filings exceed it (Microsoft's 10-Q PDFs hold one ~300k-element array). Files are already
# capped by ``max_file_mb``, so a larger bound costs little.
_MAX_ARRAY_ELEMENTS = 2_000_000


def load_pdf(raw: bytes) -> LoadedDocument:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it logs every repair it attempts
    if not raw.lstrip()[:1024].startswith(b"%PDF"):
        raise LoadError("corrupted PDF: no PDF header")
    try:
        with apply_configuration(array_maximum_element_count=_MAX_ARRAY_ELEMENTS):
            reader = PdfReader(io.BytesIO(raw))
            if reader.is_encrypted and not reader.decrypt(""):
                raise LoadError(_PASSWORD_NEEDED)
            pages = [
                LoadedPage((page.extract_text() or "").replace("\x00", "").strip(), number)
                for number, page in enumerate(reader.pages, 1)
            ]
    except LoadError:
        raise
    except FileNotDecryptedError:
        raise LoadError(_PASSWORD_NEEDED) from None
    except DependencyError as exc:
        raise LoadError(f"encrypted PDF that cannot be decrypted here: {exc}") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise LoadError(f"corrupted PDF: {exc or type(exc).__name__}") from None
    if not pages:
        raise LoadError("corrupted PDF: no pages")
    if not any(page.text for page in pages):
        raise LoadError("PDF has no extractable text (scanned images need OCR first)")
    return LoadedDocument("pdf", pages)
