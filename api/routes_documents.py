"""REST for documents: list collections and their documents, upload files, delete one.

Uploads go through the library service (the one write path), which saves them under the
collection's upload folder with safe names and ingests them; a file over ``RAG_MAX_FILE_MB``
is refused with 413 before anything is written.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from api.deps import CallerDep, ServicesDep
from api.errors import ApiError
from service import UploadedFile, safe_upload_name

router = APIRouter(prefix="/api/v1/collections", tags=["documents"])

# Upload files are copied in blocks of this size (a multipart body is spooled by Starlette).
COPY_BLOCK = 1 << 20


@router.get("")
def list_collections(services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Every collection the caller may read, with its number of documents and chunks (the
    configured collection is listed even before anything was added to it)."""
    out = []
    for name in services.library.collections(caller):
        docs = services.library.documents(name, missing_ok=True, user=caller)
        out.append({"name": name, "documents": len(docs), "chunks": sum(d.chunks for d in docs)})
    return {"collections": out}


@router.get("/{name}/documents")
def list_documents(name: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """The documents of a collection as ``rag sources --json`` lists them, plus ``name``."""
    docs = services.library.documents(name, user=caller)
    return {
        "collection": name,
        "documents": [{"name": Path(d.source).name, **asdict(d)} for d in docs],
    }


@router.post("/{name}/documents")
def upload_documents(
    name: str,
    files: Annotated[list[UploadFile], File(description="one or more files")],
    services: ServicesDep,
    caller: CallerDep,
) -> dict[str, Any]:
    """Add files to a collection (created by the first upload). Each file gets its own
    result (``status``: added, updated, unchanged, skipped or failed, with the reason and
    its ``rag ingest --json`` report); one bad file does not stop the others."""
    limit = services.settings.max_file_mb
    for upload in files:
        size = upload.size if upload.size is not None else _size(upload)
        if size > limit * 1_000_000:
            raise ApiError(413, f"{upload.filename} is {size / 1e6:.1f} MB; the limit is "
                           f"{limit:g} MB (RAG_MAX_FILE_MB)", "file_too_large")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="rag-api-upload-") as tmp:
        paths: list[Path] = []
        rejected: list[UploadedFile] = []
        for n, upload in enumerate(files):
            original = upload.filename or f"upload-{n}"
            try:
                safe = safe_upload_name(original)
            except Exception as exc:  # an unusable name: reported for this file only
                rejected.append(UploadedFile(original, "failed", str(exc)))
                continue
            folder = Path(tmp) / str(n)  # one folder per file: two files may share a name
            folder.mkdir()
            with (folder / safe).open("wb") as out:
                shutil.copyfileobj(upload.file, out, COPY_BLOCK)
            paths.append(folder / safe)
        result = services.library.ingest_uploads(paths, name, user=caller) if paths else None
    results = rejected + (result.files if result is not None else [])
    return {"collection": name, "files": [_file_json(f) for f in results]}


@router.delete("/{name}/documents/{doc_id}")
def delete_document(
    name: str, doc_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Delete a document (every stored source with this ``doc_id``; an uploaded file too)."""
    sources = [
        d.source for d in services.library.documents(name, user=caller) if d.doc_id == doc_id
    ]
    if not sources:
        raise ApiError(404, f"no document {doc_id!r} in collection {name!r}", "document_not_found")
    chunks = sum(services.library.remove_source(source, name, user=caller) for source in sources)
    return {"collection": name, "doc_id": doc_id, "deleted": sources, "chunks": chunks}


def _size(upload: UploadFile) -> int:
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    return size


def _file_json(item: UploadedFile) -> dict[str, Any]:
    data = asdict(item)
    data["report"] = item.report.to_json() if item.report is not None else None
    return data
