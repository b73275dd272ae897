"""PDF output — the only module that imports WeasyPrint (ARCHITECTURE invariant 5), and only
inside functions that run in child processes (``multiprocessing`` *spawn* context): a crash
or a leak of the layout engine never takes the CLI or the TUI down, and the caller never
pays WeasyPrint's import.

A report is a list of parts (HTML documents). The parts are rendered in up to
:data:`WORKERS` processes at once, then merged with pikepdf (qpdf) in one more child process:

1. every body part is rendered; each reports its page count and the page of its anchors
   (``id="c-9.2.2"`` …);
2. the front matter (when there is one) is rendered with the contents' page numbers, which
   are known now; it is rendered again if its own length changed;
3. "page X of Y" overlays are rendered for the whole length, in slices on every worker
   (each slice's first page numbered where it starts);
4. the merge (:mod:`merge`, streamed: one part open at a time) keeps the first part's
   document catalogue — PDF/A-3b output intent, XMP metadata, the embedded JSON manifest
   (``AFRelationship /Data``) — appends the other parts with their bookmarks and named
   destinations, and stamps every page with its overlay: page numbers run on across parts
   although each part was laid out alone, and no part waits for the length of the parts
   before it.

Peak memory is that of the largest part (parts are cut by size, see ``dossier.PART_BUDGET``)
in each worker; the merge holds only the finished PDF's bookkeeping (object offsets,
bookmarks, named destinations).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qms_tui.domain.enums import N_
from qms_tui.domain.errors import QmsError
from qms_tui.reports.common import STATIC, Meta, Part, render_html, texts

WORKERS = 2  # the machine has 2 cores
PDF_VARIANT = "pdf/a-3b"
MAX_FRONT_PASSES = 3
STAMP_SLICE = 1000  # pages of one overlay slice at most (its layout is held in memory)

Progress = Callable[[int, int, str], None]


class RenderFailed(QmsError):
    """The PDF renderer process stopped (crash, killed, out of memory)."""


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


@dataclass(frozen=True)
class RenderResult:
    pages: int
    seconds: float
    parts: int
    peak_rss_kib: int  # the largest child process
    part_pages: tuple[tuple[str, int], ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- in the child processes

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


# ---------------------------------------------------------------- in the caller


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


@contextlib.contextmanager
def _usable_stderr() -> Iterator[None]:
    """multiprocessing passes ``sys.stderr.fileno()`` to its helper process; under a TUI (or a
    test runner) ``sys.stderr`` is a capture object without a usable descriptor."""
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    saved = sys.stderr
    sys.stderr = sys.__stderr__ if sys.__stderr__ is not None else open(os.devnull, "w")  # noqa: SIM115
    try:
        yield
    finally:
        sys.stderr = saved


def _pool(workers: int) -> ProcessPoolExecutor:
    # No max_tasks_per_child: on Python 3.11 a worker retiring at that limit is not replaced
    # and the report waits forever (CPython gh-115634). A worker's memory is that of the
    # largest part it rendered (parts are cut by size), so it need not be recycled.
    with _usable_stderr():
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_child)


def _result(future: Future[Rendered]) -> Rendered:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise RenderFailed(N_("the PDF renderer stopped unexpectedly ({reason}); nothing was written"),
                           reason=str(exc) or type(exc).__name__) from None


def _abort(pool: ProcessPoolExecutor) -> None:
    """Stop this report's workers at once (a failure or ctrl+c): no process is left rendering
    a report nobody will read. The executor keeps no public handle on its processes."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=5)


def render_report(
    body: Sequence[Part],
    meta: Meta,
    out: str | os.PathLike[str],
    workdir: str | os.PathLike[str],
    *,
    front: Callable[[dict[str, int] | None], Part] | None = None,
    attachments: Sequence[Attachment] = (),
    progress: Progress | None = None,
    workers: int = WORKERS,
    renderers: Renderers | None = None,
) -> RenderResult:
    """Render ``body`` (and ``front``, built from the body's page numbers) into ``out``.

    ``front(pages)`` returns the front matter for ``pages`` (anchor → page number, or None
    for a first pass); the attachments go with the first part. ``workdir`` holds the parts
    (the caller removes it). ``progress(done, total, name)`` is called from this thread.
    ``renderers`` (started by the caller beforehand) are used, else as many as ``workers``
    and the parts allow are started here."""
    if renderers is None:
        with Renderers(min(workers, len(body) + (1 if front else 0))) as own:
            return render_report(body, meta, out, workdir, front=front, attachments=attachments,
                                 progress=progress, renderers=own)
    return _Run(renderers.pool, meta, Path(workdir), len(body) + (2 if front else 0) + 1, progress,
                renderers.workers).report(body, out, front, tuple(attachments))


class Renderers:
    """The renderer processes of one report, started at once (each loads WeasyPrint while the
    caller reads the report's data). As a context manager: shut down at the end, stopped at
    once on an error or ctrl+c."""

    def __init__(self, workers: int = WORKERS) -> None:
        self.workers = max(1, workers)
        self.pool = _pool(self.workers)
        for _ in range(self.workers):  # the pool starts a process per job while none is idle
            self.pool.submit(_ready)

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.pool.shutdown(wait=True)
        else:
            _abort(self.pool)


class _Run:
    """The steps of one report on one pool: body parts, front matter, merge."""

    def __init__(self, pool: ProcessPoolExecutor, meta: Meta, work: Path, steps: int,
                 progress: Progress | None, workers: int = WORKERS) -> None:
        self.pool, self.meta, self.work, self.steps, self.progress = pool, meta, work, steps, progress
        self.workers = max(1, workers)
        self.started = time.perf_counter()
        self.done = 0
        self.peak = 0

    def tick(self, name: str, rendered: Rendered | None = None) -> None:
        if rendered is not None:
            self.peak = max(self.peak, rendered.peak_rss_kib)
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.steps, name)

    def submit(self, part: Part, name: str, attachments: tuple[Attachment, ...] = ()) -> Future[Rendered]:
        return self.pool.submit(render_part, RenderJob(part, self.meta, str(self.work / f"{name}.pdf"), attachments))

    def report(self, body: Sequence[Part], out: str | os.PathLike[str],
               front: Callable[[dict[str, int] | None], Part] | None,
               attachments: tuple[Attachment, ...]) -> RenderResult:
        probe = self.submit(front(None), "front-0") if front else None
        order = sorted(range(len(body)), key=lambda n: -body[n].weight)  # biggest first: balances workers
        futures = {self.submit(body[n], f"part-{n:04d}", attachments if n == 0 and not front else ()): n
                   for n in order}
        results: dict[int, Rendered] = {}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                results[futures[f]] = r = _result(f)
                self.tick(r.name, r)
        parts = [results[n] for n in range(len(body))]
        paths = [r.path for r in parts]
        total = sum(r.pages for r in parts)
        stamps: tuple[str, ...] | None = None
        if front is not None and probe is not None:
            first = _result(probe)
            self.tick("front", first)
            guess = total + first.pages
            pending_front = self.submit(front(self.numbers(first.pages, parts)), "front-1", attachments)
            # the overlays while the front matter is rendered again: it nearly always keeps the
            # length of its first pass (if not, they are rendered again for the real length)
            speculative = self.submit_stamps(guess)
            done = self.front(front, first.pages, _result(pending_front), parts, attachments)
            paths.insert(0, done.path)
            total += done.pages
            landed = tuple(_result(f).path for f in speculative)
            stamps = landed if total == guess else None
        if stamps is None:
            stamps = tuple(_result(f).path for f in self.submit_stamps(total))
        merged = _result(self.pool.submit(merge_parts, MergeJob(tuple(paths), stamps, self.meta, str(out))))
        self.tick("merge", merged)
        return RenderResult(merged.pages, time.perf_counter() - self.started, len(paths), self.peak,
                            tuple((r.name, r.pages) for r in parts))

    def submit_stamps(self, total: int) -> list[Future[Rendered]]:
        """The "page X of Y" overlays of ``total`` pages, a slice per worker (or more, of at
        most STAMP_SLICE pages), all submitted at once."""
        slices = min(total, max(self.workers, -(-total // STAMP_SLICE)))
        size, extra = divmod(total, slices)
        jobs, first = [], 1
        for n in range(slices):
            count = size + (1 if n < extra else 0)
            jobs.append(StampJob(first, count, total, self.meta, str(self.work / f"stamp-{total}-{n:04d}.pdf")))
            first += count
        return [self.pool.submit(render_stamp, job) for job in jobs]

    @staticmethod
    def numbers(front_pages: int, parts: list[Rendered]) -> dict[str, int]:
        """Anchor → page number, the front matter being ``front_pages`` long."""
        numbers: dict[str, int] = {}
        offset = front_pages
        for r in parts:
            for anchor, index in r.anchors.items():
                numbers.setdefault(anchor, offset + index + 1)
            offset += r.pages
        return numbers

    def front(self, front: Callable[[dict[str, int] | None], Part], probe_pages: int, rendered: Rendered,
              parts: list[Rendered], attachments: tuple[Attachment, ...]) -> Rendered:
        """The front matter with the contents' page numbers: ``rendered`` is the pass made for a
        front matter of ``probe_pages``; rendered again while its length still moves."""
        front_pages, attempt = probe_pages, 1
        while rendered.pages != front_pages and attempt < MAX_FRONT_PASSES:
            attempt += 1
            front_pages = rendered.pages
            rendered = _result(self.submit(front(self.numbers(front_pages, parts)), f"front-{attempt}", attachments))
        self.tick("front", rendered)
        return rendered
