"""Render a report's parts in renderer processes (:mod:`pdf` holds what runs there) and
merge them into one PDF.

A report is a list of parts (HTML documents). The parts are rendered in up to
:data:`WORKERS` processes at once, then merged with pikepdf (qpdf) in one of them:

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
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from qms_tui.domain.enums import N_
from qms_tui.domain.errors import QmsError
from qms_tui.reports.common import Meta, Part
from qms_tui.reports.pdf import (
    Attachment,
    MergeJob,
    Rendered,
    RenderJob,
    StampJob,
    _ready,
    _start_child,
    merge_parts,
    render_part,
    render_stamp,
)

WORKERS = 2  # the machine has 2 cores
MAX_FRONT_PASSES = 3
STAMP_SLICE = 1000  # pages of one overlay slice at most (its layout is held in memory)

Progress = Callable[[int, int, str], None]


class RenderFailed(QmsError):
    """The PDF renderer process stopped (crash, killed, out of memory)."""


@dataclass(frozen=True)
class RenderResult:
    pages: int
    seconds: float
    parts: int
    peak_rss_kib: int  # the largest child process
    part_pages: tuple[tuple[str, int], ...] = field(default_factory=tuple)




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
