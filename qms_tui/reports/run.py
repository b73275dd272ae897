"""Generate a report end to end — what ``qms report …`` and the Reports screen call.

:func:`resolve` checks a request and fills its defaults (bad usage → ``UsageError``, exit 2);
:func:`generate` reads the data in the calling thread (services only), renders in child
processes (:mod:`qms_tui.reports.render`) and writes the PDF atomically: into a temporary file
next to the target, renamed at the end, removed on any failure — never a partial file.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from qms_tui.domain.clauses import STANDARDS
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import UsageError
from qms_tui.domain.periods import Period, PeriodError, parse_period, year_period
from qms_tui.i18n import LANGUAGES
from qms_tui.reports.common import Part
from qms_tui.reports.render import (
    WORKERS,
    Attachment,
    Progress,
    Renderers,
    RenderResult,
    render_report,
)

if TYPE_CHECKING:  # the database layer loads when the data is read, after the renderers start
    from qms_tui.services.tx import Tx

KINDS = ("evidence", "audit", "review", "project", "indicators", "capa")
RECORD_KINDS = ("audit", "review", "project")
_NEEDS_CODE = {"audit": N_("an audit report needs the audit's code (AUD-…)"),
               "review": N_("a management review report needs the review's code (RD-…)"),
               "project": N_("an improvement project report needs the project's code (PM-…)")}


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    out: str
    lang: str = "es"
    author: str | None = None
    standard: str | None = None  # evidence
    start: date | None = None  # evidence: default one year before ``end``
    end: date | None = None  # evidence: default today
    code: str | None = None  # audit, review, project
    period: str | None = None  # indicators: 2025, 2025-Q3, 2025-07 (default: this year)
    generated_at: datetime | None = None  # default now (tests fix it)
    today: date | None = None


@dataclass(frozen=True)
class Generated:
    path: Path
    pages: int
    seconds: float
    parts: int
    peak_rss_kib: int


def default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a container without a passwd entry)
        return os.environ.get("USER") or "?"


def parse_day(option: str, value: str | date | None) -> date | None:
    """A ``--from``/``--to`` value (YYYY-MM-DD) or None."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UsageError(N_("{option} must be a date like 2025-01-31 (got {value})"),
                         option=option, value=value) from None


def indicator_period(value: str | None, today: date) -> Period:
    if value is None or not str(value).strip():
        return year_period(today.year)
    try:
        p = parse_period(str(value))
    except PeriodError as exc:
        raise UsageError(exc.msgid, **exc.params) from None
    if p.kind not in ("year", "semester", "quarter", "month"):
        raise UsageError(N_("--period takes a year, a semester, a quarter or a month: 2025, 2025-S1, "
                            "2025-Q3 or 2025-07 (got {value})"), value=value)
    return p


def resolve(req: ReportRequest) -> ReportRequest:
    """Check ``req`` and fill its defaults; UsageError (exit 2) says what is wrong."""
    if req.kind not in KINDS:
        raise UsageError(N_("unknown report {kind}: choose one of {choices}"), kind=req.kind, choices=", ".join(KINDS))
    if req.lang not in LANGUAGES:
        raise UsageError(N_("unknown language {lang}: choose one of {choices}"), lang=req.lang,
                         choices=", ".join(LANGUAGES))
    today = req.today or date.today()
    out = replace(req, today=today, author=(req.author or "").strip() or default_author(),
                  generated_at=req.generated_at or datetime.now(UTC))
    if req.kind == "evidence":
        if req.standard not in STANDARDS:
            raise UsageError(N_("--standard must be one of {choices} (got {value})"),
                             choices=", ".join(STANDARDS), value=req.standard or "")
        end = req.end or today
        start = req.start or (end - timedelta(days=365) + timedelta(days=1))
        if end < start:
            raise UsageError(N_("--to ({end}) is before --from ({start})"), end=end.isoformat(),
                             start=start.isoformat())
        out = replace(out, start=start, end=end)
    elif req.kind in RECORD_KINDS and not (req.code or "").strip():
        raise UsageError(_NEEDS_CODE[req.kind])
    elif req.kind == "indicators":
        out = replace(out, period=indicator_period(req.period, today).label)
    return out


def check_output(path: str | os.PathLike[str]) -> Path:
    """The target path, if a PDF can be written there (UsageError otherwise)."""
    target = Path(path).expanduser()
    if str(path).strip() == "" or target.is_dir():
        raise UsageError(N_("cannot write the report to {path}: it is a directory"), path=str(path))
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(N_("cannot write the report to {path}: the directory {dir} does not exist"),
                         path=str(path), dir=str(parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(N_("cannot write the report to {path}: the directory {dir} is not writable"),
                         path=str(path), dir=str(parent))
    return target


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary file next to ``path``, renamed onto it if the block succeeds, else removed."""
    target = check_output(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise UsageError(N_("cannot write the report to {path}: {reason}"), path=str(path),
                         reason=exc.strerror or type(exc).__name__) from None
    os.close(fd)
    temp = Path(tmp)
    try:
        yield temp
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)  # mkstemp makes it private; a report is an ordinary file
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def renderers_for(kind: str, workers: int = WORKERS) -> Renderers:
    """The renderer processes of a report of ``kind``, started now: they load WeasyPrint while
    the caller opens the database and reads the data. A record's report is one part; the
    dossier is many."""
    return Renderers(workers if kind == "evidence" else 1)


def generate(tx: Tx, req: ReportRequest, progress: Progress | None = None, workers: int = WORKERS,
             renderers: Renderers | None = None) -> Generated:
    """Write the report ``req`` asks for; returns where, how long, how many pages.
    ``renderers`` (from :func:`renderers_for`) are used if given, else started here."""
    req = resolve(req)
    check_output(req.out)  # before any work: a bad path fails at once
    if renderers is None:
        with renderers_for(req.kind, workers) as own:
            return generate(tx, req, progress, workers, own)
    meta, body, front, attachment = _plan(tx, req)
    with atomic_output(req.out) as temp, tempfile.TemporaryDirectory(prefix="qms-report-") as work:
        result: RenderResult = render_report(body, meta, temp, work, front=front, attachments=[attachment],
                                             progress=progress, renderers=renderers)
    return Generated(Path(req.out).expanduser(), result.pages, result.seconds, result.parts, result.peak_rss_kib)


def _plan(tx: Tx, req: ReportRequest):  # type: ignore[no-untyped-def]
    """(meta, body parts, front builder or None, manifest attachment) of the request."""
    from qms_tui.reports import records
    from qms_tui.reports.manifest import MANIFEST_NAME

    assert req.generated_at is not None and req.author is not None
    lang, author, when = req.lang, req.author, req.generated_at
    front = None
    if req.kind == "evidence":
        from qms_tui.reports import dossier
        from qms_tui.services.evidence import evidence_pack

        assert req.standard and req.start and req.end
        pack = evidence_pack(tx, req.standard, req.start, req.end, req.today)
        meta = dossier.dossier_meta(req.standard, req.start, req.end, lang, author, when)
        body = dossier.body_parts(pack, lang)
        data = dossier.dossier_manifest(pack, meta)

        def front(pages: dict[str, int] | None) -> Part:  # type: ignore[misc]
            return dossier.front_part(pack, lang, pages)
    else:
        if req.kind == "audit":
            report = records.audit_report(tx, str(req.code), lang, author, when, req.today)
        elif req.kind == "review":
            report = records.review_report(tx, str(req.code), lang, author, when, req.today)
        elif req.kind == "project":
            report = records.project_report(tx, str(req.code), lang, author, when, req.today)
        elif req.kind == "indicators":
            report = records.indicators_report(tx, parse_period(str(req.period)), lang, author, when)
        else:
            report = records.capa_report(tx, lang, author, when, req.today)
        meta, body, data = report.meta, [report.part], report.manifest
    return meta, body, front, Attachment(MANIFEST_NAME, data, "Manifest of the records in this report, with their SHA-256")
