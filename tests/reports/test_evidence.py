"""The evidence pack: which records evidence which clause in a period, and the gaps (SQLite
and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import select

from qms_tui.db.models import TrailEvent
from qms_tui.domain.clauses import EVIDENCE_CLAUSES, ISO9001, ISO54001
from qms_tui.domain.errors import NotFound
from qms_tui.services import evidence
from reports.dataset import CODES, END, START, TODAY


def refs(pack, number):  # type: ignore[no-untyped-def]
    clause = next(c for c in pack.clauses if c.number == number)
    return [(r.entity, r.code, r.via) for r in clause.refs]


def test_every_clause_is_listed_and_clauses_without_records_are_gaps(filled):
    pack = evidence.evidence_pack(filled, ISO54001, START, END, TODAY)
    assert [c.number for c in pack.clauses] == [c.number for c in EVIDENCE_CLAUSES(ISO54001)]
    assert {code for _e, code in pack.items} == set(CODES) | {"PR-01"}
    gaps = {c.number for c in pack.gaps}
    assert {"4.1", "5.1.1", "8.2.4", "10.1"} <= gaps
    assert not gaps & {"5.2.1", "5.2.2", "7.2", "8.5.1.4", "9.1.1", "9.2.2", "9.3.3", "10.2.1", "10.3"}
    assert all(c.gap == (not c.refs and not c.not_applicable) for c in pack.clauses)


def test_links_nature_and_parent_clauses(filled):
    pack = evidence.evidence_pack(filled, ISO54001, START, END, TODAY)
    assert ("audit", "AUD-2025-01", None) in refs(pack, "9.2.2")  # an audit is 9.2.2 evidence by nature
    assert ("finding", "HAL-2025-001", None) in refs(pack, "7.2")  # linked
    assert ("process", "PR-04", "4.4") in refs(pack, "4.4.2")  # a parent clause reaches its sub-clauses
    assert pack.items[("audit", "AUD-2025-01")].home == "9.2.2"
    assert pack.items[("indicator", "IND-001")].home == "9.1.1"
    assert pack.items[("finding", "HAL-2025-001")].home is None  # shown inside its audit


def test_iso9001_puts_electoral_sub_clauses_under_8_5_1(filled):
    pack = evidence.evidence_pack(filled, ISO9001, START, END, TODAY)
    assert not any(c.number.startswith("8.5.1.") for c in pack.clauses)
    assert ("indicator", "IND-001", None) in refs(pack, "8.5.1")
    assert pack.electoral == ()


def test_electoral_processes_carry_their_applicability(filled):
    pack = evidence.evidence_pack(filled, ISO54001, START, END, TODAY)
    by_no = {e.no: e for e in pack.electoral}
    assert by_no[1].applicable is False and by_no[1].processes[0]["justification"] == "Atribución exclusiva del INE."
    assert by_no[4].applicable is True and by_no[2].applicable is None
    assert next(c for c in pack.clauses if c.number == "8.5.1.1").not_applicable


def test_the_period_filters_dated_records(filled):
    later = evidence.evidence_pack(filled, ISO54001, date(2025, 8, 1), date(2025, 8, 31), TODAY)
    codes = {code for _e, code in later.items}
    assert "AUD-2025-01" not in codes and "RD-2025-01" not in codes and "EVI-2025-0001" not in codes
    assert "NC-2025-001" in codes  # still open in August
    assert "IND-001" not in codes  # no measurement in August
    assert "POL-01" in codes  # in force
    assert "9.3.3" in {c.number for c in later.gaps}  # no review held in August


def test_record_hash_is_the_sha256_of_the_trails_last_state(filled):
    pack = evidence.evidence_pack(filled, ISO54001, START, END, TODAY)
    item = pack.items[("nonconformity", "NC-2025-001")]
    with filled.read() as s:
        after = s.execute(select(TrailEvent.after).where(TrailEvent.entity == "nonconformity")
                          .order_by(TrailEvent.seq.desc()).limit(1)).scalar_one()
    assert item.sha256 == hashlib.sha256(after.encode("utf-8")).hexdigest()
    assert json.loads(after)["code"] == "NC-2025-001"


def test_record_item_and_registers(filled):
    audit = evidence.record_item(filled, "audit", "AUD-2025-01", TODAY)
    assert audit.detail["findings"][0]["nc"] == "NC-2025-001" and audit.detail["checklist"]
    with pytest.raises(NotFound):
        evidence.record_item(filled, "audit", "AUD-1999-01", TODAY)
    log = evidence.capa_log(filled, TODAY)
    assert [i.code for i in log.nonconformities] == ["NC-2025-001"]
    overdue = next(a for a in log.actions if a["origin_code"] == "NC-2025-001")
    assert overdue["overdue_days"] == (TODAY - date(2025, 9, 30)).days
    assert log.ageing["minor"][">90"] == 1
    assert [i.code for i in evidence.indicator_items(filled, START, END)] == ["IND-001"]
