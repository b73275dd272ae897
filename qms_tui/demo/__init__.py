"""The IECM demo dataset (``qms init --demo``, ``qms demo``).

:func:`load_demo` fills an empty database with a realistic SGCE of the Instituto Electoral de
la Ciudad de México: organization (33 Direcciones Distritales), process map, electoral events,
the quality policy and objectives (verbatim), indicators with years of measurements, risks,
audits with findings of every kind, nonconformities in every state, management reviews,
quality circles and controlled documents. Everything is written through the services, as
realistic people (so the trail tells who did what), in ONE write transaction: a failure
leaves the database empty. Numbers come from ``random.Random(2025)``; QMS activity is dated
relative to ``today``, historical facts (election days) are fixed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from sqlalchemy import exists, func, select

from qms_tui.db.models import MODELS, Person, Policy, TrailEvent
from qms_tui.db.session import Database
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import QmsError
from qms_tui.i18n import tr

__all__ = ["DemoSummary", "has_data", "load_demo"]


class DemoRefused(QmsError):
    """The database already holds data."""


@dataclass(frozen=True)
class DemoSummary:
    """How many records of each entity the demo wrote (``counts["indicator"]`` …)."""

    today: date
    seconds: float
    counts: Mapping[str, int] = field(default_factory=dict)
    trail_events: int = 0

    def __getitem__(self, entity: str) -> int:
        return self.counts.get(entity, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        c = self.counts
        return tr(
            N_("Demo data loaded in {seconds} s (today = {today}): {people} people, {units} "
               "organizational units, {processes} processes, {events} electoral events, "
               "{indicators} indicators with {measurements} measurements, {risks} risks and "
               "opportunities, {audits} audits with {findings} findings, {ncs} nonconformities, "
               "{reviews} management reviews, {circles} quality circles with {projects} "
               "improvement projects, {documents} documents, {evidence} evidence files; "
               "{trail} trail events."),
            seconds=f"{self.seconds:.1f}", today=self.today.isoformat(),
            people=c.get("person", 0), units=c.get("org_unit", 0),
            processes=c.get("process", 0), events=c.get("event", 0),
            indicators=c.get("indicator", 0), measurements=c.get("measurement", 0),
            risks=c.get("risk", 0), audits=c.get("audit", 0), findings=c.get("finding", 0),
            ncs=c.get("nonconformity", 0), reviews=c.get("review", 0), circles=c.get("circle", 0),
            projects=c.get("project", 0), documents=c.get("document", 0),
            evidence=c.get("evidence", 0), trail=self.trail_events,
        )


def has_data(db: Database) -> bool:
    """True if the database holds any policy version or any person."""
    with db.read() as s:
        return bool(s.execute(select(exists().where(Person.id.is_not(None)))).scalar()
                    or s.execute(select(exists().where(Policy.id.is_not(None)))).scalar())


def load_demo(db: Database, today: date | None = None, operator: str | None = None) -> DemoSummary:
    """Load the IECM demo dataset into an empty, initialised database (all or nothing).

    ``operator``: an OS login to register as a demo quality coordinator, so whoever opens
    the demo can try every task (unknown logins are read-only)."""
    # the parts import the services; loaded here so that ``has_data`` stays a light import
    from qms_tui.demo import (
        audits,
        calendar,
        capa,
        circles,
        documents,
        indicators,
        org,
        planning,
        processes,
        reviews,
        risks,
    )
    from qms_tui.demo.context import SYSTEM_LOGIN, Ctx, system_actor
    from qms_tui.domain import clock
    from qms_tui.services import breaches, freeze

    today = today or date.today()
    if has_data(db):
        raise DemoRefused(N_("the database already holds data; the demo loads only into an "
                             "empty database"))
    started = time.perf_counter()
    # codes and defaults follow the demo's today; the demo scripts its own drafts (no breach
    # rules) and replays decided history (no freeze window applies)
    with clock.frozen(today), breaches.paused(), freeze.paused(), db.write() as session:
        ctx = Ctx(session, today)
        ctx.actors[SYSTEM_LOGIN] = system_actor()
        org.load(ctx)
        processes.load(ctx)
        documents.load_evidence(ctx)
        planning.load(ctx)
        indicators.load(ctx)
        risks.load(ctx)
        audits.load(ctx)
        audits.record_external_results(ctx)
        capa.load(ctx)
        audits.close(ctx)
        reviews.load(ctx)
        circles.load(ctx)
        documents.load_documents(ctx)
        calendar.load(ctx)  # dates planned relative to the judicial election's key day
        if operator and operator not in ctx.actors:
            org.add_operator(ctx, operator)
        counts = {entity: session.execute(select(func.count()).select_from(model)).scalar_one()
                  for entity, model in MODELS.items()}
        trail_events = session.execute(select(func.count()).select_from(TrailEvent)).scalar_one()
    return DemoSummary(today, time.perf_counter() - started, MappingProxyType(counts), trail_events)
