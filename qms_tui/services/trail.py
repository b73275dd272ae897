"""The append-only, hash-chained audit trail, written in the same transaction as the change.

Each event's hash covers its own fields and the previous event's hash, so removing,
reordering or editing any event breaks the chain. Each event keeps the record's state
after the change; ``verify`` compares the live rows with those states, so a change made
behind the application's back (direct SQL) is named.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from qms_tui.db.models import MODELS, Anchor, EvidenceBlob, RecordClause, TrailEvent, utcnow
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_

GENESIS = "0" * 64
TRACKED: dict[str, type[SQLModel]] = {**MODELS, "record_clause": RecordClause, "anchor": Anchor}


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


SECRET_COLUMNS = frozenset({"password_hash"})  # the trail keeps only a SHA-256 of these


def snapshot(obj: SQLModel) -> dict[str, Any]:
    """The record's stored state: every column, JSON-safe (secrets as their SHA-256, so the
    trail never shows a PIN hash yet still detects a change of it)."""
    table = obj.__table__  # type: ignore[attr-defined]
    out = {c.key: jsonable(getattr(obj, c.key)) for c in table.columns}
    for key in SECRET_COLUMNS.intersection(out):
        if out[key] is not None:
            out[key] = "sha256:" + hashlib.sha256(str(out[key]).encode("utf-8")).hexdigest()
    return out


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(ev: TrailEvent) -> str:
    payload = canonical(
        {
            "seq": ev.seq, "at": jsonable(ev.at), "actor": ev.actor, "role": ev.role,
            "action": ev.action, "entity": ev.entity, "record_id": ev.record_id,
            "code": ev.code, "summary": ev.summary, "before": ev.before, "after": ev.after,
            "prev": ev.prev_hash,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    obj: SQLModel,
    before: dict[str, Any] | None,
    *,
    summary: str | None = None,
    deleted: bool = False,
) -> TrailEvent:
    """Append one event for ``obj`` (flushed first, so it has its id and final state)."""
    session.flush()
    last = session.info.get("trail_last")
    if last is None:
        row = session.execute(
            select(TrailEvent.seq, TrailEvent.hash).order_by(TrailEvent.seq.desc()).limit(1)
        ).first()
        last = (row[0], row[1]) if row else (0, GENESIS)
    after = None if deleted else snapshot(obj)
    ev = TrailEvent(
        seq=last[0] + 1,
        at=utcnow(),
        actor=actor.login,
        role=str(actor.role),
        action=action,
        entity=entity,
        record_id=obj.id,  # type: ignore[attr-defined]
        code=getattr(obj, "code", None),
        summary=summary,
        before=canonical(before) if before is not None else None,
        after=canonical(after) if after is not None else None,
        prev_hash=last[1],
        hash="",
    )
    ev.hash = event_hash(ev)
    session.add(ev)
    session.info["trail_last"] = (ev.seq, ev.hash)
    return ev


@dataclass(frozen=True)
class Problem:
    kind: str  # chain | changed | untracked | deleted | blob
    entity: str
    record_id: int | None
    code: str | None
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        """The problem in the current language."""
        from qms_tui.i18n import tr

        return tr(self.msgid, **self.params)


def event_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(TrailEvent)).scalar_one()


def verify(session: Session, batch: int = 5000) -> list[Problem]:
    """Check the chain and that every live record matches its last recorded state."""
    problems: list[Problem] = []
    last_state: dict[tuple[str, int], tuple[str | None, str | None]] = {}
    prev, expected_seq, after_seq = GENESIS, 1, 0
    while True:
        events = session.execute(
            select(TrailEvent).where(TrailEvent.seq > after_seq).order_by(TrailEvent.seq).limit(batch)
        ).scalars().all()
        if not events:
            break
        for ev in events:
            if ev.seq != expected_seq:
                problems.append(Problem("chain", ev.entity, ev.record_id, ev.code,
                                        N_("event {missing} is missing before event {seq}"), {"missing": expected_seq, "seq": ev.seq}))
            if ev.prev_hash != prev:
                problems.append(Problem("chain", ev.entity, ev.record_id, ev.code,
                                        N_("event {seq} does not follow the previous event's hash"), {"seq": ev.seq}))
            if event_hash(ev) != ev.hash:
                problems.append(Problem("chain", ev.entity, ev.record_id, ev.code,
                                        N_("event {seq} was altered (hash mismatch)"), {"seq": ev.seq}))
            prev, expected_seq, after_seq = ev.hash, ev.seq + 1, ev.seq
            last_state[(ev.entity, ev.record_id)] = (ev.after, ev.code)
        session.expunge_all()
    for entity, model in TRACKED.items():
        seen: set[int] = set()
        for obj in session.execute(select(model)).scalars():
            rid = obj.id  # type: ignore[attr-defined]
            seen.add(rid)
            code = getattr(obj, "code", None)
            state = last_state.get((entity, rid))
            if state is None:
                problems.append(Problem("untracked", entity, rid, code,
                                        N_("record is not in the trail (written behind the application)")))
            elif state[0] is None or canonical(snapshot(obj)) != state[0]:
                changed = _changed_fields(state[0], snapshot(obj))
                problems.append(Problem("changed", entity, rid, code,
                                        N_("differs from its last recorded state: {fields}"), {"fields": ", ".join(changed)}))
        session.expunge_all()
        for (ent, rid), (after, code) in last_state.items():
            if ent == entity and after is not None and rid not in seen:
                problems.append(Problem("deleted", entity, rid, code,
                                        N_("record was deleted behind the application")))
    problems.extend(_verify_blobs(session))
    return problems


def _changed_fields(recorded: str | None, live: dict[str, Any]) -> list[str]:
    if recorded is None:
        return ["(record was deleted in the trail)"]
    old = json.loads(recorded)
    keys = sorted(set(old) | set(live))
    return [k for k in keys if old.get(k) != live.get(k)] or ["?"]


def _verify_blobs(session: Session) -> list[Problem]:
    from qms_tui.db.models import Evidence

    problems = []
    rows = session.execute(
        select(Evidence.id, Evidence.code, Evidence.sha256, EvidenceBlob.content).join(
            EvidenceBlob, EvidenceBlob.evidence_id == Evidence.id
        )
    )
    for rid, code, sha, content in rows:
        if hashlib.sha256(content).hexdigest() != sha:
            problems.append(Problem("blob", "evidence", rid, code, N_("file content does not match its SHA-256")))
    return problems


# ---------------------------------------------------------------- reading the trail (TUI viewer)


@dataclass(frozen=True)
class TrailRow:
    """One trail event as the viewer shows it (``before``/``after`` are the JSON snapshots)."""

    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    entity: str
    record_id: int
    code: str | None
    summary: str | None
    before: str | None
    after: str | None

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(column, before, after) of every column that differs (all columns on a create
        or a delete), in column order; ``version`` and ``updated_at`` are left out."""
        old = json.loads(self.before) if self.before else {}
        new = json.loads(self.after) if self.after else {}
        keys = list(new) + [k for k in old if k not in new]
        return [(k, old.get(k), new.get(k)) for k in keys
                if k not in ("version", "updated_at") and old.get(k) != new.get(k)]


@dataclass(frozen=True)
class TrailMatches:
    """Every event a text filter matched (``seqs``), when there were fewer than the count's
    cap, and the last event there was then (``high``): the next, longer text matches a
    subset of these or a newer event, so it needs no scan of the whole trail."""

    text: str  # stripped, lower case
    filters: tuple[str | None, str | None, str | None]  # entity, actor, code
    seqs: tuple[int, ...]
    high: int

    def narrows(self, text: str, filters: tuple[str | None, str | None, str | None]) -> bool:
        """Whether ``text`` (stripped, lower case) with these filters matches a subset."""
        return filters == self.filters and self.text in text


@dataclass(frozen=True)
class TrailPage:
    rows: list[TrailRow]
    total: int
    offset: int
    limit: int
    exact: bool = True  # False: at least ``total`` events match (``count_cap`` stopped the count)
    matches: TrailMatches | None = None  # with a text and ``count_cap``: see TrailMatches


def trail_page(
    tx: Any,
    *,
    text: str | None = None,
    entity: str | None = None,
    actor: str | None = None,
    code: str | None = None,
    offset: int = 0,
    limit: int = 100,
    descending: bool = True,
    count_cap: int | None = None,
    within: TrailMatches | None = None,
) -> TrailPage:
    """One page of trail events, newest first (``descending``), read with OFFSET/LIMIT:
    ``text`` matches the record code, the summary or the actor (case-insensitive);
    ``entity``, ``actor`` (login) and ``code`` (a record's code: its history) are exact.
    ``count_cap``: see :func:`qms_tui.services.records.page_total` (the page is read first).

    With a text and ``count_cap`` (the viewer typing), one scan finds the page and the
    count together, and the page returns the matched events (``matches``) when they were
    fewer than the cap; handed back as ``within`` with a longer text (the next keystroke),
    only those events and newer ones are searched."""
    from qms_tui.services.records import contains_text, page_total  # records imports this module
    from qms_tui.services.tx import reading  # here, not at the top: this block is appended

    order = TrailEvent.seq.desc() if descending else TrailEvent.seq
    cols = (TrailEvent.seq, TrailEvent.at, TrailEvent.actor, TrailEvent.role, TrailEvent.action,
            TrailEvent.entity, TrailEvent.record_id, TrailEvent.code, TrailEvent.summary,
            TrailEvent.before, TrailEvent.after)
    offset, limit = max(offset, 0), max(limit, 1)
    needle = (text or "").strip().lower()
    filters = (entity or None, (actor or "").strip() or None, (code or "").strip() or None)
    with reading(tx) as s:
        conds = []
        if needle:
            conds.append(contains_text(s, TrailEvent.code, text) | contains_text(s, TrailEvent.summary, text)
                         | contains_text(s, TrailEvent.actor, text))
        if filters[0]:
            conds.append(TrailEvent.entity == filters[0])
        if filters[1]:
            conds.append(TrailEvent.actor == filters[1])
        if filters[2]:
            conds.append(TrailEvent.code == filters[2])
        if needle and count_cap is not None:
            return _text_page(s, cols, conds, descending, needle, filters, offset, limit, count_cap, within)
        if needle:
            # the page's events by seq first (a scan of the narrow index ix_trail_event_text
            # when the text matches few events), then their rows
            seqs = select(TrailEvent.seq).where(*conds).order_by(order).offset(offset).limit(limit)
            stmt = (select(*cols).where(TrailEvent.seq.in_(seqs.correlate(None).scalar_subquery()))
                    .order_by(order))
        else:
            stmt = select(*cols).where(*conds).order_by(order).offset(offset).limit(limit)
        rows = [TrailRow(*r) for r in s.execute(stmt)]
        total, exact = page_total(s, TrailEvent, conds, len(rows), offset, limit, count_cap)
    return TrailPage(rows, total, offset, limit, exact)


def _text_page(s: Any, cols: Any, conds: list[Any], descending: bool, needle: str,
               filters: tuple[str | None, str | None, str | None], offset: int, limit: int, cap: int,
               within: TrailMatches | None) -> TrailPage:
    """The matching seqs up to the cap in one scan (or among ``within``'s and newer ones):
    the page is a slice of them, their number the count."""
    order = TrailEvent.seq.desc() if descending else TrailEvent.seq
    wanted = max(cap, offset + limit + 1)
    high = s.execute(select(func.max(TrailEvent.seq))).scalar() or 0
    if within is not None and within.narrows(needle, filters):
        # two lookups by seq (one condition with OR would make SQLite scan the trail)
        found = set(s.execute(select(TrailEvent.seq).where(*conds, TrailEvent.seq > within.high)).scalars())
        if within.seqs:
            found.update(s.execute(select(TrailEvent.seq).where(*conds, TrailEvent.seq.in_(within.seqs))).scalars())
        seqs = tuple(sorted(found, reverse=descending)[:wanted])
    else:
        seqs = tuple(s.execute(select(TrailEvent.seq).where(*conds).order_by(order).limit(wanted)).scalars())
    page = seqs[offset:offset + limit]
    rows = [TrailRow(*r) for r in s.execute(select(*cols).where(TrailEvent.seq.in_(page)).order_by(order))] \
        if page else []
    exact = len(seqs) < wanted
    matches = TrailMatches(needle, filters, seqs, high) if len(seqs) < cap else None
    return TrailPage(rows, len(seqs), offset, limit, exact, matches)
