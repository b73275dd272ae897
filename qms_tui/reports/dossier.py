"""The evidence dossier's contexts: the front matter (cover, contents, electoral processes,
gap summary) and the body cut into parts — one or more per clause group (4 … 10) and the
appendix — each rendered on its own (in a worker process) and merged afterwards.

A part holds at most :data:`PART_BUDGET` weight units (about a table row each, see
:data:`_BLOCK_SCALE`; a page holds about 19), so the memory of one render does not grow with the size
of the dossier; a clause longer than that continues in the next part under a "(continued)"
heading. Parts are named by their group ("9", then "9-2" …) for progress messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from qms_tui.domain.clauses import ISO54001, STANDARDS, top_level
from qms_tui.reports.common import Labels, Meta, Part, texts
from qms_tui.reports.manifest import MANIFEST_NAME, manifest_bytes
from qms_tui.services.evidence import ClauseEvidence, EvidencePack, Item

PART_BUDGET = 400  # weight units per body part (≈ 20 pages, ≈ 100 MiB of layout)

#: Rough weight (table rows) of a record's full block, by kind.
_BLOCK_WEIGHT = {"indicator": 14, "audit": 12, "nonconformity": 12, "review": 14, "policy": 10,
                 "objective": 6, "project": 8}
#: Rows to weight units, by kind, fitted to the pages of the x100 dossier's 241 parts (19 units a
#: page): an NC's, audit's or review's block fills fewer pages than its rows say, an indicator's
#: about as many; a row of a clause's list of records (a wrapped title) took 1.6 units (fitted
#: before the title column got a third of the width: now on the safe side). Parts of the same
#: weight then have about the same length (≤ 21 pages), and so the same memory.
_BLOCK_SCALE = {"nonconformity": 0.7, "audit": 0.7, "review": 0.7, "indicator": 1.05}
_OTHER_SCALE = 0.8
_REF_WEIGHT = 1.6


def short_standard(standard: str) -> str:
    """"ISO/TS 54001:2019" from the catalogue's full title."""
    match = re.match(r"ISO(?:/TS)? [0-9]+:[0-9]{4}", STANDARDS[standard][1])
    return match.group(0) if match else standard


def dossier_meta(standard: str, start: date, end: date, lang: str, author: str, generated_at: Any) -> Meta:
    T = texts(lang)
    return Meta(
        kind="evidence", title=T["dossier_header"].format(standard=short_standard(standard)), lang=lang,
        author=author, generated_at=generated_at, subject=Labels(lang).standard(standard),
        period=T["period_text"].format(start=start.isoformat(), end=end.isoformat()),
        keywords=(short_standard(standard), "SGCE", "IECM"),
    )


def _weight(item: Item) -> int:
    d = item.detail
    extra = (len(d.get("series", ())) // 3 + len(d.get("findings", ())) * 2 + len(d.get("actions", ()))
             + len(d.get("checks", ())) + len(d.get("inputs", ())) + len(d.get("outputs", ())) * 2
             + len(d.get("communications", ())) + len(d.get("plans", ())) * 2)
    return max(1, round((_BLOCK_WEIGHT.get(item.entity, 5) + extra) * _BLOCK_SCALE.get(item.entity, _OTHER_SCALE)))


def _units(pack: EvidencePack, group: str, lang: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(weight, unit) of one clause group, in order."""
    electoral = {e.number: e for e in pack.electoral}
    title = next(c.title(lang) for c in top_level(ISO54001) if c.number == group)
    yield 2, {"kind": "group", "number": group, "title": title}
    for c in pack.clauses:
        if c.group != group:
            continue
        yield 3, {"kind": "clause", "clause": c, "electoral": electoral.get(c.number)}
        for n in range(0, len(c.refs), 60):
            refs = c.refs[n:n + 60]
            yield 2 + round(len(refs) * _REF_WEIGHT), {"kind": "refs", "clause": c, "refs": refs, "first": n == 0}
        for ref in c.refs:
            item = pack.item(ref)
            if item.home == c.number:
                yield _weight(item), {"kind": "item", "clause": c, "item": item}


def _split(units: Iterator[tuple[int, dict[str, Any]]], budget: int) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    part: list[dict[str, Any]] = []
    used = 0
    for weight, unit in units:
        if part and used + weight > budget:
            yield used, part
            part, used = [], 0
            clause: ClauseEvidence | None = unit.get("clause")
            if unit["kind"] in ("refs", "item") and clause is not None:
                part.append({"kind": "continued", "clause": clause})
        part.append(unit)
        used += weight
    if part:
        yield used, part


def _items_of(pack: EvidencePack, units: list[dict[str, Any]]) -> dict[tuple[str, str], Item]:
    """The items a part shows (its workers get these, not the whole pack)."""
    out: dict[tuple[str, str], Item] = {}
    for u in units:
        for ref in u.get("refs", ()):
            out[(ref.entity, ref.code)] = pack.item(ref)
    return out


def body_parts(pack: EvidencePack, lang: str, budget: int = PART_BUDGET) -> list[Part]:
    """The body: parts per clause group (split at ``budget``), then the appendix."""
    common = {"start": pack.start, "end": pack.end, "manifest_name": MANIFEST_NAME,
              "finding_home": {i.code: i.home for i in pack.items.values() if i.entity == "audit"}}
    parts = []
    for group in dict.fromkeys(c.group for c in pack.clauses):
        for n, (weight, units) in enumerate(_split(_units(pack, group, lang), budget)):
            parts.append(Part(f"{group}" + (f"-{n + 1}" if n else ""), "dossier_section.html.j2",
                              {**common, "units": units, "items": _items_of(pack, units)}, weight))
    files = [i for i in pack.items.values() if i.entity == "evidence"]
    appendix: list[dict[str, Any]] = [{"kind": "appendix", "files": bool(files)}]
    for n in range(0, max(len(files), 1), 500):
        if files:
            appendix.append({"kind": "files", "files": files[n:n + 500]})
    parts.append(Part("appendix", "dossier_section.html.j2", {**common, "units": appendix, "items": {}},
                      2 + len(files)))
    return parts


def front_part(pack: EvidencePack, lang: str, pages: dict[str, int] | None = None) -> Part:
    """Cover, contents (with the pages of ``pages``: anchor → page number), the electoral
    processes' applicability (ISO/TS 54001) and the gap summary."""
    labels = Labels(lang)
    T = texts(lang)
    toc: list[dict[str, Any]] = []
    groups = {c.number: c for c in top_level(ISO54001)}
    electoral = {e.number: e for e in pack.electoral}
    seen: set[str] = set()
    for c in pack.clauses:
        if c.group not in seen:
            seen.add(c.group)
            toc.append({"kind": "group", "number": c.group, "title": groups[c.group].title(lang)})
        status = "na" if c.not_applicable and not c.refs else "gap" if c.gap else "ok"
        row = {"kind": "clause", "number": c.number, "title": c.title(lang), "status": status,
               "count": len(c.refs), "electoral": c.electoral, "applicability": ""}
        e = electoral.get(c.number)
        if e is not None:
            row["applicability"] = (T["undeclared"] if e.applicable is None
                                    else T["applicable"] if e.applicable else T["not_applicable"])
        toc.append(row)
    gaps = [{"number": c.number, "title": c.title(lang)} for c in pack.gaps]
    return Part("front", "dossier_front.html.j2", {
        "standard_title": labels.standard(pack.standard), "standard_short": short_standard(pack.standard),
        "start": pack.start, "end": pack.end, "toc": toc, "toc_total": len(pack.clauses),
        "covered": sum(1 for c in pack.clauses if c.refs), "records": len(pack.items), "gaps": gaps,
        "electoral": [{"number": e.number, "title": e.title_es if lang == "es" else e.title_en,
                       "applicable": e.applicable, "processes": list(e.processes)} for e in pack.electoral],
        "pages": pages or {}, "manifest_name": MANIFEST_NAME,
    })


def dossier_manifest(pack: EvidencePack, meta: Meta) -> bytes:
    clauses = {c.number: [f"{r.entity}:{r.code}" for r in c.refs] for c in pack.clauses}
    return manifest_bytes(meta, pack.items.values(), extra={
        "standard": pack.standard, "period": {"from": pack.start.isoformat(), "to": pack.end.isoformat()},
        "clauses": clauses, "gaps": [c.number for c in pack.gaps],
        "not_applicable": [c.number for c in pack.clauses if c.not_applicable],
    })
