"""The JSON manifest embedded in every report PDF: each record shown, with its hash.

``sha256`` is the SHA-256 of the record's canonical JSON state — the very string the
hash-chained audit trail stores as the record's last state — so a reader can check a record
against the database (``qms trail verify``). Evidence files also give ``file_sha256``, the
hash of their bytes. Sub-records shown inside a record (plans, findings, actions …) are
listed too, with ``part_of``. The JSON is canonical (sorted keys) and carries no time other
than the report's ``generated_at``: the same data gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from qms_tui import __version__
from qms_tui.reports.common import Meta
from qms_tui.services.evidence import Item, Part

MANIFEST_NAME = "manifest.json"
FORMAT = "qms-tui/report-manifest/1"
HASH_RULE = ("sha256 = SHA-256 of the record's canonical JSON state (json.dumps(sort_keys=True, "
             "separators=(',', ':'), ensure_ascii=False), UTF-8), as kept by the audit trail")


def record_entry(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {"entity": item.entity, "code": item.code, "title": item.title[:200],
                             "version": item.version, "revision": item.revision, "sha256": item.sha256,
                             "clauses": list(item.clauses)}
    if item.date is not None:
        entry["date"] = item.date.isoformat()
    if item.signatures:
        entry["signatures"] = [{"record": g.record, "meaning": g.meaning, "signer": g.signer,
                                "signed_at": g.signed_at.isoformat(), "matches": g.matches}
                               for g in item.signatures]
    if item.entity == "evidence":
        entry["file_sha256"] = item.detail.get("file_sha256")
        entry["filename"] = item.detail.get("filename")
        entry["size"] = item.detail.get("size")
    return entry


def part_entry(part: Part, owner: Item) -> dict[str, Any]:
    return {"entity": part.entity, "code": part.code, "revision": part.version, "sha256": part.sha256,
            "part_of": f"{owner.entity}:{owner.code}"}


def manifest(meta: Meta, items: Iterable[Item], extra: Mapping[str, Any] | None = None,
             parts: Iterable[Part] = ()) -> dict[str, Any]:
    records: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for item in items:
        if (item.entity, item.code) not in seen:
            seen.add((item.entity, item.code))
            records.append(record_entry(item))
        for p in item.parts:
            if (p.entity, p.code) not in seen:
                seen.add((p.entity, p.code))
                records.append(part_entry(p, item))
    for p in parts:
        if (p.entity, p.code) not in seen:
            seen.add((p.entity, p.code))
            records.append({"entity": p.entity, "code": p.code, "revision": p.version, "sha256": p.sha256})
    return {
        "format": FORMAT, "report": meta.kind, "title": meta.title, "institute": meta.institute,
        "language": meta.lang, "author": meta.author, "generated_at": meta.generated_at.isoformat(),
        "generator": f"qms-tui {__version__}", "hash": HASH_RULE, "record_count": len(records),
        "records": records, **dict(extra or {}),
    }


def manifest_bytes(meta: Meta, items: Iterable[Item], extra: Mapping[str, Any] | None = None,
                   parts: Iterable[Part] = ()) -> bytes:
    data = manifest(meta, items, extra, parts)
    return (json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
