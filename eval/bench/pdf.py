"""PDF loading measured in one run: today's text extraction (pypdf, before issue 13) against the
layout loader (PDFium words, tables as Markdown rows, furniture, boxes), and OCR pages/s.

    python -m eval.bench.pdf --docs ../shared/eval-data/docugami-kg-rag-sec-10q/source_files \
        --out bench-results/pdf

Both loaders read the same files in the same process, one after the other per file, so load on
the machine hits both alike; the ratio is the number to compare. OCR is timed on scanned pages
generated here (text drawn into a 150 dpi image, wrapped as an image-only PDF).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.loaders.pdf import load_pdf

OCR_PAGES = 5
_OCR_TEXT = [
    "The granary at Elm Farm holds 640 tonnes of wheat and 210 tonnes of barley.",
    "It was rebuilt in 1962 after a fire destroyed the timber roof in the winter.",
    "Deliveries arrive on Tuesdays; the scales are checked every spring by the county.",
] * 6


@dataclass
class PdfBench:
    files: int = 0
    pages: int = 0
    pypdf_seconds: float = 0.0
    layout_seconds: float = 0.0
    pypdf_chars: int = 0
    layout_chars: int = 0
    table_rows: int = 0
    ocr_pages: int = 0
    ocr_seconds: float = 0.0
    per_file: list[dict[str, object]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.layout_seconds / self.pypdf_seconds if self.pypdf_seconds else 0.0

    @property
    def ocr_pages_per_second(self) -> float:
        return self.ocr_pages / self.ocr_seconds if self.ocr_seconds else 0.0


def pypdf_pages(raw: bytes) -> list[str]:
    """Today's loader before issue 13: pypdf's ``extract_text`` per page."""
    # deferred for start-up time: pypdf only where needed
    from pypdf import PdfReader, apply_configuration

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with apply_configuration(array_maximum_element_count=2_000_000):
        reader = PdfReader(io.BytesIO(raw))
        return [(page.extract_text() or "").strip() for page in reader.pages]


def scanned_pdf(pages: int) -> bytes:
    # deferred for start-up time: PIL only where needed
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=30)
    images = []
    for _ in range(pages):
        image = Image.new("RGB", (1275, 1650), "white")
        draw = ImageDraw.Draw(image)
        for k, line in enumerate(_OCR_TEXT):
            draw.text((110, 140 + 70 * k), line, fill="black", font=font)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=150.0, save_all=True, append_images=images[1:])
    return out.getvalue()


def run(docs: Path) -> PdfBench:
    bench = PdfBench()
    for path in sorted(docs.glob("*.pdf")):
        raw = path.read_bytes()
        started = time.perf_counter()
        old = pypdf_pages(raw)
        middle = time.perf_counter()
        new = load_pdf(raw)
        done = time.perf_counter()
        rows = sum(1 for p in new.pages for line in p.text.splitlines() if line.startswith("| "))
        bench.files += 1
        bench.pages += len(new.pages)
        bench.pypdf_seconds += middle - started
        bench.layout_seconds += done - middle
        bench.pypdf_chars += sum(len(t) for t in old)
        bench.layout_chars += sum(len(p.text) for p in new.pages)
        bench.table_rows += rows
        bench.per_file.append({"file": path.name, "pages": len(new.pages),
                               "pypdf_s": round(middle - started, 3),
                               "layout_s": round(done - middle, 3), "table_lines": rows})  # fmt: skip
    scan = scanned_pdf(OCR_PAGES)
    started = time.perf_counter()
    read = load_pdf(scan)
    bench.ocr_seconds = time.perf_counter() - started
    bench.ocr_pages = sum(1 for p in read.pages if "granary" in p.text)
    return bench


def report(bench: PdfBench) -> str:
    return "\n".join([
        f"PDF loading, {bench.files} files, {bench.pages} pages:",
        f"- pypdf extract_text (before): {bench.pypdf_seconds:.1f} s, {bench.pypdf_chars:,} chars",
        f"- layout loader (after): {bench.layout_seconds:.1f} s, {bench.layout_chars:,} chars, "
        f"{bench.table_rows:,} table lines",
        f"- after / before: {bench.ratio:.2f}x",
        f"OCR: {bench.ocr_pages} scanned pages read in {bench.ocr_seconds:.1f} s = "
        f"{bench.ocr_pages_per_second:.2f} pages/s",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, required=True, help="folder of PDFs")
    parser.add_argument("--out", type=Path, default=Path("bench-results/pdf"))
    args = parser.parse_args(argv)
    bench = run(args.docs)
    args.out.mkdir(parents=True, exist_ok=True)
    data = {
        **asdict(bench),
        "ratio": bench.ratio,
        "ocr_pages_per_second": bench.ocr_pages_per_second,
    }
    (args.out / "pdf.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    text = report(bench)
    (args.out / "pdf.md").write_text(text + "\n", encoding="utf-8")
    print(text)  # noqa: T201 - a command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
