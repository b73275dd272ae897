"""Contexts of the record reports: one audit, one management review, one improvement
project, the indicator results of a period, and the NC/action log with ageing by severity.
Each is one part (one HTML document); the data comes from :mod:`qms_tui.services.evidence`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from qms_tui.domain import enums as E
from qms_tui.domain.periods import Period
from qms_tui.reports.common import Labels, Meta, Part, texts
from qms_tui.reports.manifest import MANIFEST_NAME, manifest_bytes
from qms_tui.services import evidence
from qms_tui.services.nonconformities import BUCKETS
from qms_tui.services.tx import Tx

TITLES = {"audit": "audit_report", "review": "review_minutes", "project": "project_report",
          "indicators": "indicators_report", "capa": "capa_report"}


@dataclass(frozen=True)
class RecordReport:
    meta: Meta
    part: Part
    manifest: bytes


def _meta(kind: str, lang: str, author: str, generated_at: datetime, subject: str = "",
          period: str = "", code: str | None = None) -> Meta:
    title = texts(lang)[TITLES[kind]]
    return Meta(kind=kind, title=f"{title} {code}" if code else title, lang=lang, author=author,
                generated_at=generated_at, subject=subject, period=period,
                keywords=tuple(x for x in ("SGCE", "IECM", code) if x))


def _part(kind: str, meta: Meta, context: dict[str, Any], weight: int = 0) -> Part:
    return Part(kind, f"{'audit' if kind == 'audit' else kind}.html.j2",
                {**context, "manifest_name": MANIFEST_NAME}, weight)


def audit_report(tx: Tx, code: str, lang: str, author: str, generated_at: datetime,
                 today: date | None = None) -> RecordReport:
    it = evidence.record_item(tx, "audit", code, today)
    ncs = [evidence.record_item(tx, "nonconformity", f["nc"], today) for f in it.detail["findings"] if f["nc"]]
    counts = [(k.value, sum(1 for f in it.detail["findings"] if f["kind"] == k.value)) for k in E.FindingKind]
    meta = _meta("audit", lang, author, generated_at, f"{it.code} {it.title}", code=it.code)
    context = {"it": it, "ncs": ncs, "counts": counts, "heading": meta.title, "subheading": it.title}
    return RecordReport(meta, _part("audit", meta, context), manifest_bytes(meta, [it, *ncs]))


def review_report(tx: Tx, code: str, lang: str, author: str, generated_at: datetime,
                  today: date | None = None) -> RecordReport:
    it = evidence.record_item(tx, "review", code, today)
    meta = _meta("review", lang, author, generated_at, f"{it.code} {it.title}", code=it.code)
    context = {"it": it, "heading": meta.title, "subheading": it.title}
    return RecordReport(meta, _part("review", meta, context), manifest_bytes(meta, [it]))


def project_report(tx: Tx, code: str, lang: str, author: str, generated_at: datetime,
                   today: date | None = None, *, chart: bool = True) -> RecordReport:
    it = evidence.record_item(tx, "project", code, today)
    meta = _meta("project", lang, author, generated_at, f"{it.code} {it.title}", code=it.code)
    d = it.detail
    bars = None
    values = [d["baseline"], d["target"], d["measured"]]
    if chart and any(v is not None for v in values):
        L = Labels(lang)
        names = [L.field("baseline"), L.field("target"), L.field("measured_result")]
        bars = {"points": list(zip(names, values, ("#757575", "#2e7d32", "#1f4e79"), strict=True)),
                "unit": d["unit"] or ""}
    context = {"it": it, "heading": meta.title, "subheading": it.title, "bars": bars}
    return RecordReport(meta, _part("project", meta, context), manifest_bytes(meta, [it]))


def indicators_report(tx: Tx, period: Period, lang: str, author: str, generated_at: datetime) -> RecordReport:
    items = evidence.indicator_items(tx, period.start, period.end)
    T = texts(lang)
    meta = _meta("indicators", lang, author, generated_at, period=period.label)
    lights = {k: sum(1 for i in items if i.status == k) for k in ("green", "yellow", "red", "none")}
    context = {"items": items, "lights": lights, "heading": meta.title,
               "subheading": T["period_text"].format(start=period.start.isoformat(), end=period.end.isoformat())}
    weight = sum(14 + len(i.detail.get("series", ())) // 3 for i in items)
    return RecordReport(meta, _part("indicators", meta, context, weight),
                        manifest_bytes(meta, items, extra={"period": period.label}))


def capa_report(tx: Tx, lang: str, author: str, generated_at: datetime, today: date | None = None) -> RecordReport:
    log = evidence.capa_log(tx, today)
    meta = _meta("capa", lang, author, generated_at)
    order = [s.value for s in E.Severity] + [k for k in log.ageing if k not in {s.value for s in E.Severity}]
    ageing = [(k, log.ageing[k]) for k in order if k in log.ageing]
    L = Labels(lang)
    colours = {"major": "#b71c1c", "minor": "#c77c00"}
    series = [(L.choice("severity", k) if k else texts(lang)["unclassified"], [row[b] for b in BUCKETS],
               colours.get(k, "#757575")) for k, row in ageing]
    context = {"ncs": log.nonconformities, "actions": log.actions, "ageing": ageing, "buckets": BUCKETS,
               "series": series if any(sum(v) for _l, v, _c in series) else None,
               "heading": meta.title, "subheading": (today or date.today()).isoformat()}
    return RecordReport(meta, _part("capa", meta, context, len(log.actions) + len(log.nonconformities)),
                        manifest_bytes(meta, log.nonconformities, parts=log.action_parts))
