#!/usr/bin/env python
"""A synthetic institute N times the demo, for the benchmarks (``bench/run``).

    .venv/bin/python bench/generate.py --scale 100            # bench/data/qms-x100-….db
    .venv/bin/python bench/generate.py --scale 2 --out /tmp/x2.db --verify

Scale 1 is the IECM demo, loaded through the services (``qms_tui.demo.load_demo``). Every
further unit of scale adds, per copy (a synthetic "district" of the institute), written with
SQLAlchemy Core ``executemany`` (never ORM objects per row):

    12 monthly indicators with 250 measurements each (3,000), 1 audit programme with 10
    audits and 200 findings, 100 nonconformities with about 150 actions, 12 risks,
    4 improvement projects, 2 management reviews, their clause links,

so N = 100 holds about 1,200 indicators, 300,000 measurements, 1,000 audits, 20,000
findings, 10,000 nonconformities. Every bulk row gets the "create" trail event that
``records.create`` would have written (same snapshot, same hash payload, same chain), so
``qms trail verify`` passes on the result; that makes the trail hold one event per row
(about 380,000 at N = 100, not the 100,000 the issue guessed).

Deterministic: the same ``--scale``, ``--seed`` and ``--today`` give the same rows (the
demo's own timestamps are the moment it was loaded; bulk timestamps derive from ``today``).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Bump when the generated content changes (bench/run keys its cached databases on it).
GENERATOR_VERSION = 1
DATA = ROOT / "bench" / "data"

INDICATORS = 12  # per unit of scale
MONTHS = 250  # measurements per bulk indicator
AUDITS = 10
FINDINGS_PER_AUDIT = 20
NONCONFORMITIES = 100
RISKS = 12
PROJECTS = 4
REVIEWS = 2
FLUSH_EVERY = 4  # copies per transaction


def _schema() -> str:
    from qms_tui.db.probe import head_revision

    return head_revision() or "x"


def default_path(scale: int, seed: int, today: date) -> Path:
    """Where bench/run keeps the database (its name changes with the schema and generator)."""
    return DATA / f"qms-x{scale}-s{seed}-{today.isoformat()}-r{_schema()}-g{GENERATOR_VERSION}.db"


@dataclass
class Summary:
    path: Path
    scale: int
    seconds: float
    demo_seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        c = self.counts
        return (f"x{self.scale}: {c.get('indicator', 0):,} indicators, {c.get('measurement', 0):,} measurements, "
                f"{c.get('audit', 0):,} audits, {c.get('finding', 0):,} findings, "
                f"{c.get('nonconformity', 0):,} nonconformities, {c.get('action', 0):,} actions, "
                f"{c.get('trail_event', 0):,} trail events; {self.seconds:.1f} s "
                f"(demo {self.demo_seconds:.1f} s); {self.path}")


# ---------------------------------------------------------------- trail events in Python


class _Event:
    """What ``trail.event_hash`` reads of an event (attribute access, like a TrailEvent)."""

    __slots__ = ("seq", "at", "actor", "role", "action", "entity", "record_id", "code", "summary",
                 "before", "after", "prev_hash", "hash")

    def row(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


class Bulk:
    """Rows for many tables plus their hash-chained "create" events, inserted per table with
    one ``executemany`` at each :meth:`flush`, in an order that satisfies the foreign keys."""

    ORDER = ("indicator", "measurement", "programme", "audit", "finding", "nonconformity",
             "action", "risk", "project", "review", "record_clause")

    def __init__(self, conn: Any, today: date) -> None:
        from sqlalchemy import func, select

        from qms_tui.db.models import MODELS, CodeSequence, RecordClause, TrailEvent
        from qms_tui.domain.specs import SPECS
        from qms_tui.services import trail

        self.conn, self.today, self.trail = conn, today, trail
        self.tables = {name: MODELS[name].__table__ for name in self.ORDER if name in MODELS}  # type: ignore[attr-defined]
        self.tables["record_clause"] = RecordClause.__table__  # type: ignore[attr-defined]
        self.events_table = TrailEvent.__table__  # type: ignore[attr-defined]
        self.seq_table = CodeSequence.__table__  # type: ignore[attr-defined]
        self.models = {**MODELS, "record_clause": RecordClause}
        self.specs = SPECS
        self.defaults = {name: _defaults(self.models[name]) for name in self.tables}
        self.next_id = {name: (conn.execute(select(func.max(t.c.id))).scalar() or 0) + 1
                        for name, t in self.tables.items()}
        self.counters = dict(conn.execute(select(self.seq_table.c.key, self.seq_table.c.last)).all())
        self.counters_seen = dict(self.counters)
        self.taken = {name: set(conn.execute(select(t.c.code)).scalars())
                      for name, t in self.tables.items() if "code" in t.c}
        last = conn.execute(select(self.events_table.c.seq, self.events_table.c.hash)
                            .order_by(self.events_table.c.seq.desc()).limit(1)).first()
        self.seq, self.prev = (last[0], last[1]) if last else (0, trail.GENESIS)
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in self.tables}
        self.events: list[dict[str, Any]] = []
        self.written: dict[str, int] = {name: 0 for name in self.tables}

    def code(self, entity: str, year: int | None = None) -> str:
        """The next free code, as ``records.next_code`` hands them out."""
        scheme = self.specs[entity].code
        key = scheme.key(year if scheme.yearly else None)
        n = self.counters.get(key, 0)
        while True:
            n += 1
            code = scheme.format(n, year)
            if code not in self.taken[entity]:
                break
        self.counters[key] = n
        self.taken[entity].add(code)
        return code

    def add(self, entity: str, values: dict[str, Any], *, actor: tuple[str, str], at: datetime,
            summary: str | None = None, year: int | None = None) -> dict[str, Any]:
        """One row (defaults filled, id and code assigned) and its trail event."""
        row = {**self.defaults[entity], **values}
        row["id"] = self.next_id[entity]
        self.next_id[entity] += 1
        if "code" in self.tables[entity].c and not row.get("code"):
            row["code"] = self.code(entity, year)
        if "created_at" in row:
            row["created_at"] = row["updated_at"] = at
        extra = set(row) - set(self.tables[entity].c.keys())
        if extra:
            raise KeyError(f"{entity} has no column(s) {sorted(extra)}")
        self.rows[entity].append(row)
        self._event(entity, row, actor, at, summary)
        return row

    def link(self, entity: str, record_id: int, clauses: Iterable[str], *, actor: tuple[str, str],
             at: datetime) -> None:
        for number in sorted(set(clauses)):
            self.add("record_clause", {"entity": entity, "record_id": record_id, "clause": number},
                     actor=actor, at=at)

    def _event(self, entity: str, row: dict[str, Any], actor: tuple[str, str], at: datetime,
               summary: str | None) -> None:
        t = self.trail
        ev = _Event()
        self.seq += 1
        ev.seq, ev.at, ev.actor, ev.role, ev.action = self.seq, at, actor[0], actor[1], "create"
        ev.entity, ev.record_id, ev.code, ev.summary = entity, row["id"], row.get("code"), summary
        ev.before = None
        ev.after = t.canonical({k: t.jsonable(v) for k, v in row.items()})
        ev.prev_hash = self.prev
        ev.hash = t.event_hash(ev)
        self.prev = ev.hash
        self.events.append(ev.row())

    def flush(self) -> None:
        for name in self.ORDER:
            rows = self.rows.get(name)
            if rows:
                self.conn.execute(self.tables[name].insert(), rows)
                self.written[name] += len(rows)
                self.rows[name] = []
        if self.events:
            self.conn.execute(self.events_table.insert(), self.events)
            self.written["trail_event"] = self.written.get("trail_event", 0) + len(self.events)
            self.events = []

    def save_counters(self) -> None:
        from sqlalchemy import insert, update

        for key, last in self.counters.items():
            if key not in self.counters_seen:
                self.conn.execute(insert(self.seq_table).values(key=key, last=last))
            elif last != self.counters_seen[key]:
                self.conn.execute(update(self.seq_table).where(self.seq_table.c.key == key).values(last=last))
        self.counters_seen = dict(self.counters)


def _defaults(model: Any) -> dict[str, Any]:
    """Every column with the model's Python default (None where there is none)."""
    out: dict[str, Any] = {}
    for column in model.__table__.columns:
        info = model.model_fields.get(column.key)
        default = None
        if info is not None and info.default_factory is None:
            value = info.default
            default = None if type(value).__name__ == "PydanticUndefinedType" else value
        out[column.key] = default
    return out


# ---------------------------------------------------------------- the synthetic institute


class Institute:
    """Reads the demo (people, units, processes, events, objectives, text templates) and
    adds copy after copy of synthetic activity through a :class:`Bulk`."""

    def __init__(self, conn: Any, bulk: Bulk, rng: random.Random, today: date) -> None:
        from sqlalchemy import select

        from qms_tui.db.models import (
            Action,
            Audit,
            Circle,
            Clause,
            Event,
            Finding,
            Indicator,
            Nonconformity,
            Objective,
            OrgUnit,
            Person,
            Process,
            Project,
            Review,
            Risk,
        )

        self.bulk, self.rng, self.today = bulk, rng, today

        def rows(model: Any, *where: Any) -> list[dict[str, Any]]:
            return [dict(r._mapping) for r in conn.execute(select(model.__table__).where(*where)
                                                           .order_by(model.__table__.c.id))]

        people = rows(Person)
        self.people = people
        self.by_role: dict[str, list[dict[str, Any]]] = {}
        for p in people:
            self.by_role.setdefault(p["role"], []).append(p)
        self.coordinator = (self.by_role["coordinator"][0]["code"], "coordinator")
        self.units = rows(OrgUnit)
        self.districts = [u for u in self.units if u["kind"] == "district"]
        self.processes = rows(Process)
        self.events = rows(Event)
        self.objectives = rows(Objective)
        self.circles = rows(Circle)
        self.clauses = [c for c in conn.execute(select(Clause.__table__.c.number)).scalars()
                        if c.count(".") >= 1 and c.split(".")[0] in {"4", "5", "6", "7", "8", "9", "10"}]
        self.t_indicators = [r for r in rows(Indicator) if r["frequency"] in ("monthly", "quarterly")]
        self.t_audits = rows(Audit)
        self.t_findings = rows(Finding)
        self.t_ncs = rows(Nonconformity)
        self.t_actions = [r for r in rows(Action) if r["nonconformity_id"] is not None] or rows(Action)
        self.t_risks = rows(Risk)
        self.t_projects = rows(Project)
        self.t_reviews = rows(Review)

    # ------------------------------------------------------------ helpers

    def stamp(self, day: date, k: int = 0) -> datetime:
        """A deterministic timestamp on ``day`` (never after today)."""
        day = min(day, self.today)
        return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(seconds=k % 30000)

    def person(self, *roles: str) -> dict[str, Any]:
        pool = [p for r in roles for p in self.by_role.get(r, [])] or self.people
        return self.rng.choice(pool)

    def actor_of(self, person: dict[str, Any]) -> tuple[str, str]:
        return person["code"], person["role"]

    def clause(self) -> str:
        return self.rng.choice(self.clauses)

    # ------------------------------------------------------------ one copy

    def add_copy(self, k: int) -> None:
        rng, b = self.rng, self.bulk
        district = self.districts[(k - 1) % len(self.districts)]
        tag = f"{district['acronym'] or district['code']}-{(k - 1) // len(self.districts) + 1}"
        indicators, measurements = self._indicators(k, district, tag)
        programme, audits = self._audits(k, district, tag)
        findings = self._findings(k, audits)
        ncs = self._nonconformities(k, district, findings, measurements)
        self._actions(k, ncs)
        risks = self._risks(k, tag)
        self._projects(k, indicators, ncs, risks, tag)
        self._reviews(k, tag)
        del programme, rng, b

    def _indicators(self, k: int, district: dict[str, Any], tag: str) -> tuple[list[dict], list[dict]]:
        from qms_tui.domain.periods import month_period

        rng, b = self.rng, self.bulk
        last = self.today.replace(day=1) - timedelta(days=1)
        out, measured = [], []
        for i in range(INDICATORS):
            tpl = self.t_indicators[i % len(self.t_indicators)]
            owner = self.person("process_owner")
            skip = rng.choice((0,) * 8 + (1, 3))  # a few overdue
            first = _add_months(last, -(MONTHS - 1))
            p0 = month_period(first.year, first.month)
            at = self.stamp(p0.start - timedelta(days=20), k)
            values = {k2: tpl[k2] for k2 in ("objective_id", "process_id", "definition", "formula", "unit",
                                              "dimension", "direction", "target", "band_low", "band_high",
                                              "band_tolerance", "green_from", "yellow_from", "source",
                                              "rule_red", "rule_yellow_run", "rule_trend_run")}
            values.update(name=f"{tpl['name']} ({tag})", frequency="monthly", owner_id=owner["id"],
                          event_id=None, active=True, baseline=None, baseline_period=None)
            ind = b.add("indicator", values, actor=self.coordinator, at=at)
            b.link("indicator", ind["id"], ["9.1.1", self.clause()], actor=self.coordinator, at=at)
            out.append(ind)
            actor = self.actor_of(owner)
            drift = rng.uniform(-0.02, 0.02)
            for m in range(MONTHS - skip):
                day = _add_months(first, m)
                p = month_period(day.year, day.month)
                value = _value(rng, ind, drift * m / MONTHS)
                note = (f"Capturado por la {district['name']}" if rng.random() < 0.1 else None)
                when = self.stamp(p.end + timedelta(days=5), k + m)
                row = b.add("measurement", {
                    "indicator_id": ind["id"], "period": p.label, "period_start": p.start,
                    "period_end": p.end, "value": value, "note": note, "evidence_id": None,
                    "recorded_by_id": owner["id"], "recorded_at": when,
                }, actor=actor, at=when, summary=f"{ind['code']} {p.label} = {value:g}")
                measured.append(row)
        return out, measured

    def _audits(self, k: int, district: dict[str, Any], tag: str) -> tuple[dict, list[dict]]:
        rng, b = self.rng, self.bulk
        year = self.today.year - ((k - 1) % 12)
        at = self.stamp(date(year, 1, 15), k)
        prog = b.add("programme", {
            "year": year, "title": f"Programa anual de auditorías internas {year} ({tag})",
            "objectives": "Verificar la conformidad del SGCE con ISO 9001:2015 e ISO/TS 54001:2019.",
            "scope": f"Procesos de la {district['name']}", "status": "approved" if year < self.today.year else "draft",
            "approved_by_id": self.by_role["coordinator"][0]["id"] if year < self.today.year else None,
            "approved_on": date(year, 1, 20) if year < self.today.year else None,
        }, actor=self.coordinator, at=at, year=year)
        audits = []
        for i in range(AUDITS):
            tpl = self.t_audits[i % len(self.t_audits)]
            start = date(year, 1 + i, 3 + rng.randrange(20)) if i < 12 else date(year, 12, 1)
            end = start + timedelta(days=rng.randrange(1, 4))
            lead = self.person("auditor")
            if start >= self.today:
                status = rng.choice(("planned", "confirmed"))
            elif start > self.today - timedelta(days=60):
                status = rng.choice(("performed", "report_accepted"))
            else:
                status = rng.choice(("closed",) * 9 + ("cancelled",))
            done = status in ("performed", "report_accepted", "closed")
            audit = b.add("audit", {
                "programme_id": prog["id"], "title": f"{tpl['title']} ({tag})", "kind": tpl["kind"],
                "scope": tpl["scope"], "criteria": tpl["criteria"], "objectives": tpl["objectives"],
                "process_id": rng.choice(self.processes)["id"], "event_id": None,
                "org_unit_id": district["id"], "planned_start": start, "planned_end": end,
                "actual_start": start if done else None, "actual_end": end if done else None,
                "lead_auditor_id": lead["id"], "plan": tpl["plan"], "methods": tpl["methods"],
                "conclusions": tpl["conclusions"] if done else None, "status": status,
                "report_accepted_by_id": self.by_role["coordinator"][0]["id"] if status in ("report_accepted", "closed") else None,
                "report_accepted_on": end + timedelta(days=10) if status in ("report_accepted", "closed") else None,
                "closed_on": end + timedelta(days=40) if status == "closed" else None,
            }, actor=self.coordinator, at=self.stamp(start - timedelta(days=30), k), year=start.year)
            b.link("audit", audit["id"], ["9.2", "9.2.2", self.clause()], actor=self.coordinator,
                   at=self.stamp(start - timedelta(days=30), k))
            audits.append(audit)
        return prog, audits

    def _findings(self, k: int, audits: list[dict]) -> list[dict]:
        rng, b = self.rng, self.bulk
        out = []
        for audit in audits:
            if audit["status"] not in ("performed", "report_accepted", "closed"):
                continue
            auditor = self.actor_of(next((p for p in self.people if p["id"] == audit["lead_auditor_id"]), self.people[0]))
            for j in range(FINDINGS_PER_AUDIT):
                tpl = self.t_findings[(j + k) % len(self.t_findings)]
                kind = rng.choice(("major",) + ("minor",) * 4 + ("observation",) * 6 + ("ofi",) * 6 + ("strength",) * 3)
                at = self.stamp(audit["planned_end"], k + j)
                f = b.add("finding", {
                    "audit_id": audit["id"], "kind": kind, "title": tpl["title"],
                    "description": tpl["description"], "evidence": tpl["evidence"],
                    "process_id": audit["process_id"], "org_unit_id": audit["org_unit_id"],
                    "checklist_item_id": None,
                }, actor=auditor, at=at, year=audit["planned_end"].year)
                b.link("finding", f["id"], [self.clause()], actor=auditor, at=at)
                out.append(f)
        return out

    def _nonconformities(self, k: int, district: dict[str, Any], findings: list[dict],
                         measurements: list[dict]) -> list[dict]:
        rng, b = self.rng, self.bulk
        ncs_findings = [f for f in findings if f["kind"] in ("major", "minor")]
        audit_end = {r["id"]: r["planned_end"] for r in b.rows["audit"]}
        out = []
        for i in range(NONCONFORMITIES):
            tpl = self.t_ncs[i % len(self.t_ncs)]
            source = rng.choice(("internal_audit",) * 4 + ("external_audit", "indicator", "indicator",
                                                          "complaint", "output", "review"))
            finding = measurement = None
            if source in ("internal_audit", "external_audit") and ncs_findings:
                finding = ncs_findings.pop(0)
                detected = audit_end.get(finding["audit_id"], self.today) + timedelta(days=rng.randrange(1, 10))
            elif source == "indicator" and measurements:
                measurement = rng.choice(measurements)
                detected = measurement["period_end"] + timedelta(days=rng.randrange(5, 20))
            else:
                if source in ("internal_audit", "external_audit"):
                    source = "complaint"
                detected = self.today - timedelta(days=int(rng.expovariate(1 / 700)))
            detected = min(detected, self.today)
            age = (self.today - detected).days
            if age > 400:
                status = rng.choice(("closed",) * 17 + ("dismissed", "cancelled", "verification"))
            else:
                status = rng.choice(("registered", "correction", "root_cause", "action_plan",
                                     "implementation", "implementation", "verification", "closed", "closed",
                                     "draft" if source == "indicator" else "registered"))
            severity = (finding["kind"] if finding is not None else rng.choice(("major", "minor", "minor", "minor")))
            if status == "draft":
                severity = None
            owner = self.person("process_owner")
            reporter = self.person("auditor", "coordinator")
            past = ("correction", "root_cause", "action_plan", "implementation", "verification", "closed")
            stage = past.index(status) if status in past else -1
            closed = status == "closed"
            nc = b.add("nonconformity", {
                "title": tpl["title"], "description": tpl["description"], "source": source,
                "severity": severity, "status": status, "process_id": rng.choice(self.processes)["id"],
                "event_id": None, "org_unit_id": district["id"], "detected_on": detected,
                "reported_by_id": reporter["id"], "owner_id": owner["id"],
                "finding_id": finding["id"] if finding else None,
                "measurement_id": measurement["id"] if measurement else None,
                "correction": tpl["correction"] if stage >= 1 else None,
                "correction_on": detected + timedelta(days=7) if stage >= 1 else None,
                "extent": tpl["extent"] if stage >= 2 else None,
                "rca_method": (tpl["rca_method"] or "five_whys") if stage >= 2 else None,
                "root_cause": tpl["root_cause"] if stage >= 2 else None,
                "closed_on": min(detected + timedelta(days=rng.randrange(60, 300)), self.today) if closed else None,
                "closed_by_id": self.by_role["coordinator"][0]["id"] if closed else None,
                "reopen_count": 0, "status_reason": None, "breach_key": None,
            }, actor=self.actor_of(reporter), at=self.stamp(detected, k + i), year=detected.year)
            b.link("nonconformity", nc["id"], ["10.2", "10.2.1", self.clause()], actor=self.actor_of(reporter),
                   at=self.stamp(detected, k + i))
            out.append(nc)
        return out

    def _actions(self, k: int, ncs: list[dict]) -> None:
        rng, b = self.rng, self.bulk
        for i, nc in enumerate(ncs):
            if nc["status"] in ("draft", "registered", "correction", "root_cause", "dismissed", "cancelled"):
                n = rng.choice((0, 1))
            else:
                n = rng.choice((1, 2, 2))
            for j in range(n):
                tpl = self.t_actions[(i + j) % len(self.t_actions)]
                due = nc["detected_on"] + timedelta(days=rng.randrange(30, 150))
                if nc["status"] == "closed":
                    status, done = "done", min(due - timedelta(days=rng.randrange(0, 20)), self.today)
                elif nc["status"] in ("dismissed", "cancelled"):
                    status, done = "cancelled", None
                elif nc["status"] == "verification":
                    status, done = "done", min(due, self.today)
                else:
                    status, done = rng.choice(("pending", "in_progress", "in_progress")), None
                owner = self.person("process_owner")
                b.add("action", {
                    "nonconformity_id": nc["id"], "review_id": None, "review_output_id": None,
                    "risk_id": None, "kind": tpl["kind"] if j == 0 else "corrective",
                    "description": tpl["description"], "owner_id": owner["id"], "due_date": due,
                    "resources": tpl["resources"], "status": status, "completed_on": done,
                    "evidence_note": tpl["evidence_note"] if done else None,
                }, actor=self.coordinator, at=self.stamp(nc["detected_on"] + timedelta(days=14), k + i),
                    year=(nc["detected_on"] + timedelta(days=14)).year)

    def _risks(self, k: int, tag: str) -> list[dict]:
        rng, b = self.rng, self.bulk
        out = []
        for i in range(RISKS):
            tpl = self.t_risks[i % len(self.t_risks)]
            at = self.stamp(self.today - timedelta(days=rng.randrange(30, 1500)), k + i)
            risk = b.add("risk", {
                key: tpl[key] for key in ("kind", "description", "treatment", "treatment_plan",
                                          "likelihood", "impact", "residual_likelihood", "residual_impact")
            } | {"title": f"{tpl['title']} ({tag})", "process_id": rng.choice(self.processes)["id"],
                 "event_id": None, "owner_id": self.person("process_owner")["id"],
                 "status": rng.choice(("open", "treating", "treating", "closed")),
                 "review_date": self.today + timedelta(days=rng.randrange(-60, 300))},
                actor=self.coordinator, at=at)
            b.link("risk", risk["id"], ["6.1", "6.1.1"], actor=self.coordinator, at=at)
            out.append(risk)
        return out

    def _projects(self, k: int, indicators: list[dict], ncs: list[dict], risks: list[dict], tag: str) -> None:
        rng, b = self.rng, self.bulk
        for i in range(PROJECTS):
            tpl = self.t_projects[i % len(self.t_projects)]
            started = self.today - timedelta(days=rng.randrange(20, 900))
            stage = rng.choice(("plan", "do", "check", "act", "closed", "closed"))
            at = self.stamp(started, k + i)
            project = b.add("project", {
                "circle_id": rng.choice(self.circles)["id"] if self.circles else None,
                "title": f"{tpl['title']} ({tag})", "problem": tpl["problem"],
                "process_id": rng.choice(self.processes)["id"], "indicator_id": rng.choice(indicators)["id"],
                "nonconformity_id": rng.choice(ncs)["id"] if rng.random() < 0.5 else None,
                "risk_id": rng.choice(risks)["id"] if rng.random() < 0.3 else None,
                "baseline": tpl["baseline"], "target": tpl["target"],
                "measured_result": tpl["measured_result"] if stage in ("act", "closed") else None,
                "unit": tpl["unit"], "benefit": tpl["benefit"] if stage == "closed" else None,
                "pdca_stage": stage, "started_on": started, "due_date": started + timedelta(days=180),
                "closed_on": min(started + timedelta(days=170), self.today) if stage == "closed" else None,
            }, actor=self.coordinator, at=at, year=started.year)
            b.link("project", project["id"], ["10.3"], actor=self.coordinator, at=at)

    def _reviews(self, k: int, tag: str) -> None:
        rng, b = self.rng, self.bulk
        for i in range(REVIEWS):
            tpl = self.t_reviews[i % len(self.t_reviews)]
            planned = self.today + timedelta(days=rng.randrange(-2000, 120))
            status = "planned" if planned >= self.today else rng.choice(("held", "minutes_approved", "minutes_approved"))
            at = self.stamp(planned - timedelta(days=30), k + i)
            b.add("review", {
                "title": f"{tpl['title']} ({tag})", "planned_date": planned,
                "held_on": planned if status != "planned" else None, "event_id": None,
                "participants": tpl["participants"], "conclusions": tpl["conclusions"] if status != "planned" else None,
                "status": status,
                "minutes_approved_by_id": self.by_role["coordinator"][0]["id"] if status == "minutes_approved" else None,
                "minutes_approved_on": planned + timedelta(days=15) if status == "minutes_approved" else None,
            }, actor=self.coordinator, at=at, year=planned.year)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _value(rng: random.Random, ind: dict[str, Any], drift: float) -> float:
    """A plausible value: mostly on target, sometimes at risk, now and then off target."""
    direction, target = ind["direction"], ind["target"]
    if direction == "band":
        low, high = ind["band_low"] or 90.0, ind["band_high"] or 110.0
        mid, half = (low + high) / 2, (high - low) / 2 or 1.0
        return round(mid + rng.gauss(0, half * 0.8), 2)
    target = target or 100.0
    spread = rng.choice((0.01, 0.02, 0.03, 0.08))
    x = target * (1 + drift + rng.gauss(0.01 if direction == "higher" else -0.01, spread))
    if ind["unit"] == "%":
        x = min(x, 100.0)
    return round(max(x, 0.0), 2)


# ---------------------------------------------------------------- entry points


def generate(path: Path, scale: int, *, seed: int = 2025, today: date | None = None,
             progress: bool = False) -> Summary:
    """Write the scale-``scale`` database to ``path`` (replaced if it exists)."""
    from sqlalchemy import func, select

    from qms_tui.db.models import MODELS, TrailEvent
    from qms_tui.db.session import Database
    from qms_tui.demo import load_demo
    from qms_tui.services.setup import init_database

    if scale < 1:
        raise ValueError("scale must be at least 1")
    today = today or date.today()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    base = demo_base(today)
    if not base.exists():  # the demo through the services, once per day (it takes seconds)
        tmp = base.with_suffix(".tmp")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        demo_db = Database(f"sqlite:///{tmp}")
        init_database(demo_db)
        load_demo(demo_db, today=today)
        demo_db.dispose()
        _checkpoint(tmp)
        tmp.replace(base)
    shutil.copyfile(base, path)
    demo_seconds = time.perf_counter() - started
    db = Database(f"sqlite:///{path}")
    rng = random.Random(seed)
    if scale > 1:
        with db.engine.execution_options(qms_write=True).connect() as conn:
            conn.exec_driver_sql("PRAGMA cache_size = -131072")  # begins the write transaction
            bulk = Bulk(conn, today)
            inst = Institute(conn, bulk, rng, today)
            for k in range(1, scale):
                inst.add_copy(k)
                if k % FLUSH_EVERY == 0 or k == scale - 1:
                    bulk.flush()
                    bulk.save_counters()
                    conn.commit()  # the next statement begins the next transaction
                    if progress:
                        print(f"  copy {k}/{scale - 1}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
            conn.rollback()
        _checkpoint(path)
    with db.read() as s:
        counts = {name: s.execute(select(func.count()).select_from(model)).scalar_one()
                  for name, model in MODELS.items()}
        counts["trail_event"] = s.execute(select(func.count()).select_from(TrailEvent)).scalar_one()
    db.dispose()
    return Summary(path, scale, time.perf_counter() - started, demo_seconds, counts)


def demo_base(today: date) -> Path:
    """The scale-1 demo for ``today``, kept under bench/data (rebuilt when missing)."""
    return DATA / f"demo-{today.isoformat()}-r{_schema()}-g{GENERATOR_VERSION}.db"


def _checkpoint(path: Path) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def verify(path: Path) -> list[Any]:
    from qms_tui.db.session import Database
    from qms_tui.services import trail

    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as s:
            return trail.verify(s)
    finally:
        db.dispose()


def fingerprint(path: Path, tables: Iterable[str] = ("indicator", "measurement", "audit", "finding",
                                                     "nonconformity", "action")) -> str:
    """A digest of the generated content without timestamps (to check determinism)."""
    import sqlite3

    h = hashlib.sha256()
    con = sqlite3.connect(path)
    try:
        for table in tables:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")
                    if r[1] not in ("created_at", "updated_at", "recorded_at")]
            for row in con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id"):
                h.update(repr(row).encode())
    finally:
        con.close()
    return h.hexdigest()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=1, help="N: the demo times N (default 1)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    ap.add_argument("--out", type=Path, default=None, help="database file (default: bench/data/…)")
    ap.add_argument("--verify", action="store_true", help="run `trail verify` on the result")
    args = ap.parse_args(argv)
    today = args.today or date.today()
    path = args.out or default_path(args.scale, args.seed, today)
    summary = generate(path, args.scale, seed=args.seed, today=today, progress=True)
    print(summary.line())
    if args.verify:
        t = time.perf_counter()
        problems = verify(path)
        print(f"trail verify: {len(problems)} problems ({time.perf_counter() - t:.1f} s)")
        for p in problems[:10]:
            print(f"  {p.kind} {p.entity} {p.code or p.record_id}: {p.detail}")
        if problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
