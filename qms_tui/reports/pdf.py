"""What runs in the renderer processes — the only module that imports WeasyPrint
(ARCHITECTURE invariant 5), and only inside functions that run in child processes
(``multiprocessing`` *spawn* context): a crash or a leak of the layout engine never takes the
CLI or the TUI down, and the caller never pays WeasyPrint's import. The jobs (a part, a slice
of "page X of Y" overlays, the merge) and the pool's initializer; :mod:`render` runs them.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qms_tui.reports.common import STATIC, Meta, Part, render_html, texts

PDF_VARIANT = "pdf/a-3b"


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    description: str
    media_type: str = "application/json"


@dataclass(frozen=True)
class RenderJob:
    part: Part
    meta: Meta
    out: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Rendered:
    name: str
    path: str
    pages: int
    anchors: dict[str, int]  # anchor id → 0-based page within the part
    seconds: float
    peak_rss_kib: int


@dataclass(frozen=True)
class StampJob:
    first: int  # the number of its first page
    count: int
    total: int
    meta: Meta
    out: str


@dataclass(frozen=True)
class MergeJob:
    paths: tuple[str, ...]
    stamps: tuple[str, ...]  # the overlays, in page order
    meta: Meta
    out: str




_FONTS: Any = None


def _fonts() -> Any:
    global _FONTS
    if _FONTS is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS = FontConfiguration()
    return _FONTS


def _quiet() -> None:
    """Library warnings (unsupported CSS, PDF trailer sizes) are not for the report's reader."""
    import logging

    for name in ("weasyprint", "fontTools", "pikepdf"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _write(html: str, meta: Meta, out: str, attachments: Sequence[Attachment] = ()) -> tuple[int, dict[str, int]]:
    import weasyprint

    fonts = _fonts()
    # the templates link report.css (base_url finds it): passing it again here would apply
    # every rule twice
    doc = weasyprint.HTML(string=html, base_url=str(STATIC)).render(font_config=fonts)
    anchors: dict[str, int] = {}
    for n, page in enumerate(doc.pages):
        for name in page.anchors:
            anchors.setdefault(name, n)
    files = [weasyprint.Attachment(string=a.data, name=a.name, description=a.description,
                                   created=meta.generated_at, modified=meta.generated_at, relationship="Data")
             for a in attachments]
    doc.write_pdf(out, pdf_variant=PDF_VARIANT, attachments=files or None)
    return len(doc.pages), anchors


def render_part(job: RenderJob) -> Rendered:
    """Render one part to ``job.out`` (runs in a worker process)."""
    _quiet()
    started = time.perf_counter()
    html = render_html(job.part.template, job.part.context, job.meta)
    pages, anchors = _write(html, job.meta, job.out, job.attachments)
    return Rendered(job.part.name, job.out, pages, anchors, time.perf_counter() - started, _peak_rss())


def render_stamp(job: StampJob) -> Rendered:
    """``job.count`` blank pages that say "page X of Y" from X = ``job.first`` (runs in a
    worker process): the overlays of one slice of the report."""
    from markupsafe import Markup

    _quiet()
    started = time.perf_counter()
    html = render_html("stamp.html.j2", {"pages": job.count, "first": job.first,
                                         "page_content": Markup(_page_content(job.meta, job.total))}, job.meta)
    pages, _anchors = _write(html, job.meta, job.out)
    return Rendered(f"stamp-{job.first}", job.out, pages, {}, time.perf_counter() - started, _peak_rss())


def _page_content(meta: Meta, total: int) -> str:
    """CSS ``content`` for "Page {page} of {pages}" in the report's language (``total`` pages)."""
    from qms_tui.reports.common import css_string

    text = texts(meta.lang)["page_of"]
    out, rest = [], text
    for token, counter in (("{page}", "counter(page)"), ("{pages}", f'"{int(total)}"')):
        before, _, rest = rest.partition(token)
        if before:
            out.append(f'"{css_string(before)}"')
        out.append(counter)
    if rest:
        out.append(f'"{css_string(rest)}"')
    return " ".join(out)


def merge_parts(job: MergeJob) -> Rendered:
    """Merge the parts into ``job.out`` and stamp page numbers (runs in a worker process)."""
    from qms_tui.reports.merge import merge

    _quiet()
    started = time.perf_counter()
    total = merge(job.paths, job.stamps, job.out)
    return Rendered("merge", job.out, total, {}, time.perf_counter() - started, _peak_rss())


# ---------------------------------------------------------------- starting a renderer


def _start_child() -> None:
    """Pool initializer: a child's stray output must not reach the terminal (a TUI draws there);
    errors come back as exceptions (``QMS_DEBUG`` keeps the output). Then WeasyPrint is
    loaded, before any job: the caller reads its data meanwhile."""
    _quick_library_lookup()
    if not os.environ.get("QMS_DEBUG"):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
    try:
        import weasyprint  # noqa: F401

        _fonts()
    except Exception:  # noqa: S110 - the first job meets the same error and reports it
        pass


def _ready() -> None:
    """A job that does nothing: submitting one makes the pool start a process."""


def _quick_library_lookup() -> None:
    """WeasyPrint opens pango, harfbuzz… trying several names each (Windows and macOS ones
    first); for every name that does not open, cffi asks ``ctypes.util.find_library``, which
    on Linux runs gcc and then ld to look — a third of WeasyPrint's import (0.15 s of 0.5 s)
    in every renderer. In the renderers, the lookup keeps to ldconfig's cache; the names
    that do open are opened directly, as before."""
    import ctypes.util

    if sys.platform.startswith("linux"):
        ctypes.util._findLib_gcc = lambda _name: None  # type: ignore[attr-defined]
        if hasattr(ctypes.util, "_findLib_ld"):
            ctypes.util._findLib_ld = lambda _name: None  # type: ignore[attr-defined]
