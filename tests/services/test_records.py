"""The generic record machinery: validation, codes, clause links, versions, trail."""

from datetime import date

import pytest
from sqlalchemy import func, select, text

from qms_tui.db.models import Indicator, TrailEvent
from qms_tui.domain.actor import Actor
from qms_tui.domain.errors import ConcurrencyError, NotFound, PermissionDenied, ValidationError
from qms_tui.services import records, trail


def _count(db, model):
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _person(db, actor, code="mgarcia"):
    with db.write() as s:
        return records.create(s, actor, "person", {"code": code, "name": "María García", "role": "coordinator"})


INDICATOR = {"name": "Casillas instaladas", "unit": "%", "direction": "higher", "target": "98",
             "frequency": "per_event", "clauses": "9.1.1, 8.5.1.4"}


def test_create_assigns_codes_links_clauses_and_trails(db, actor):
    _person(db, actor)
    with db.write() as s:
        a = records.create(s, actor, "indicator", {**INDICATOR, "owner": "mgarcia"})
        b = records.create(s, actor, "indicator", {**INDICATOR, "name": "Paquetes entregados"})
    assert (a.code, b.code) == ("IND-001", "IND-002")
    assert a.clauses == ("8.5.1.4", "9.1.1") and a.target == 98.0 and a.owner_id is not None
    with db.read() as s:
        assert records.get(s, "indicator", "IND-001").clauses == ("8.5.1.4", "9.1.1")
        assert trail.verify(s) == []
        actions = s.execute(select(TrailEvent.entity, TrailEvent.action).order_by(TrailEvent.seq)).all()
    assert ("indicator", "create") in actions and ("record_clause", "create") in actions


def test_yearly_codes_follow_the_record_date(db, actor):
    with db.write() as s:
        p1 = records.create(s, actor, "review", {"title": "Revisión 2024", "planned_date": date(2024, 12, 1)})
        p2 = records.create(s, actor, "review", {"title": "Revisión 2025", "planned_date": "2025-06-30"})
        p3 = records.create(s, actor, "review", {"title": "Segunda 2025", "planned_date": "2025-12-01"})
    assert [p1.code, p2.code, p3.code] == ["RD-2024-01", "RD-2025-01", "RD-2025-02"]


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"name": ""}, "name"),
        ({"target": "noventa"}, "target"),
        ({"owner": "nadie"}, "owner"),
        ({"clauses": "4.1, 12.1"}, "clauses"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(db, actor, bad, field):
    before = (_count(db, Indicator), _count(db, TrailEvent))
    with pytest.raises(ValidationError) as err:
        with db.write() as s:
            records.create(s, actor, "indicator", {**INDICATOR, **bad})
    assert field in err.value.fields
    assert (_count(db, Indicator), _count(db, TrailEvent)) == before


def test_end_before_start_is_refused(db, actor):
    with pytest.raises(ValidationError) as err:
        with db.write() as s:
            records.create(s, actor, "event", {"name": "PELO", "kind": "ordinary", "start_date": "2023-09-01",
                                               "key_date": "2024-06-02", "end_date": "2024-05-01"})
    assert err.value.fields == ["end_date"]


def test_failure_after_a_write_rolls_back_the_whole_transaction(db, actor):
    with pytest.raises(ValidationError):
        with db.write() as s:
            records.create(s, actor, "indicator", INDICATOR)
            records.create(s, actor, "indicator", {**INDICATOR, "target": "x"})
    assert _count(db, Indicator) == 0 and _count(db, TrailEvent) == 0


def test_update_checks_cross_field_rules_against_stored_values(db, actor):
    with db.write() as s:
        records.create(s, actor, "event", {"code": "PELO-2024", "name": "PELO", "kind": "ordinary",
                                           "start_date": "2023-09-01", "key_date": "2024-06-02",
                                           "end_date": "2024-09-30"})
    with pytest.raises(ValidationError) as err:
        with db.write() as s:
            records.update(s, actor, "event", "PELO-2024", {"end_date": "2024-01-01"})
    assert err.value.fields == ["end_date"]


def test_optimistic_concurrency_names_who_changed_what(db, actor):
    with db.write() as s:
        records.create(s, actor, "indicator", INDICATOR)
    other = Actor("jlopez", "coordinator")
    with db.write() as s:
        records.update(s, other, "indicator", "IND-001", {"target": "99"}, expected_version=1)
    with pytest.raises(ConcurrencyError) as err:
        with db.write() as s:
            records.update(s, actor, "indicator", "IND-001", {"target": "97"}, expected_version=1)
    assert "jlopez" in str(err.value) and "target" in str(err.value)
    with db.read() as s:
        assert records.get(s, "indicator", "IND-001").target == 99.0


def test_user_given_codes_are_unique(db, actor):
    _person(db, actor, "mgarcia")
    with pytest.raises(ValidationError) as err:
        _person(db, actor, "mgarcia")
    assert err.value.fields == ["code"]


def test_read_only_role_changes_nothing(db):
    reader = Actor("consulta", "reader")
    with pytest.raises(PermissionDenied):
        with db.write() as s:
            records.create(s, reader, "indicator", INDICATOR)
    assert _count(db, TrailEvent) == 0


def test_not_found_names_the_code(db):
    with pytest.raises(NotFound) as err:
        with db.read() as s:
            records.get(s, "indicator", "IND-404")
    assert "IND-404" in str(err.value)


def test_list_page_filters_sorts_and_pages(db, actor):
    with db.write() as s:
        for i in range(12):
            records.create(s, actor, "indicator", {**INDICATOR, "name": f"Indicador {i:02d}", "target": i + 1})
    with db.read() as s:
        page = records.list_page(s, "indicator", text="indicador 1", order="target", descending=True, limit=2)
        assert page.total == 2 and [r.name for r in page.rows] == ["Indicador 11", "Indicador 10"]
        page = records.list_page(s, "indicator", offset=10, limit=5)
        assert page.total == 12 and len(page.rows) == 2


def test_list_filter_ignores_case_and_takes_wildcards_literally(db, actor):
    with db.write() as s:
        for name in ("Casillas al 100% instaladas", "Casillas al 1000 instaladas", "Paquetes_DD", "Paquetes DD"):
            records.create(s, actor, "indicator", {**INDICATOR, "name": name})
    with db.read() as s:
        def names(text: str) -> list[str]:
            return sorted(r.name for r in records.list_page(s, "indicator", text=text).rows)

        assert names("CASILLAS AL 1") == ["Casillas al 100% instaladas", "Casillas al 1000 instaladas"]
        assert names("100%") == ["Casillas al 100% instaladas"]  # % is no wildcard
        assert names("paquetes_") == ["Paquetes_DD"]  # nor is _
        assert names("paquetes dd") == ["Paquetes DD"]


def test_trail_verify_detects_tampering_deletion_and_untracked_rows(db, actor):
    with db.write() as s:
        records.create(s, actor, "indicator", INDICATOR)
        records.create(s, actor, "indicator", {**INDICATOR, "name": "Otro"})
    with db.engine.begin() as c:
        c.execute(text("UPDATE indicator SET target = 50 WHERE code = 'IND-001'"))
        c.execute(text("DELETE FROM record_clause WHERE record_id = (SELECT id FROM indicator WHERE code = 'IND-002')"))
        c.execute(text("INSERT INTO code_sequence (key, last) VALUES ('ZZ', 1)"))  # untracked table: fine
    with db.read() as s:
        problems = trail.verify(s)
    kinds = {(p.kind, p.entity, p.code) for p in problems}
    assert ("changed", "indicator", "IND-001") in kinds
    assert any(p.kind == "deleted" and p.entity == "record_clause" for p in problems)
    assert any("target" in p.detail for p in problems if p.code == "IND-001")


def test_trail_verify_detects_an_edited_event(db, actor):
    with db.write() as s:
        records.create(s, actor, "indicator", INDICATOR)
    with db.engine.begin() as c:  # the trail is append-only: an attacker with DDL rights drops the guard first
        if db.sqlite:
            c.execute(text("DROP TRIGGER trail_event_no_update"))
        else:
            c.execute(text("DROP TRIGGER trail_event_append_only ON trail_event"))
        c.execute(text("UPDATE trail_event SET actor = 'intruso' WHERE seq = 1"))
    with db.read() as s:
        problems = trail.verify(s)
    assert any(p.kind == "chain" and "altered" in p.detail for p in problems)


def test_blank_optional_input_keeps_the_default_and_blanking_a_required_column_is_refused(db, actor):
    with db.write() as s:
        ind = records.create(s, actor, "indicator", {**INDICATOR, "active": "", "rule_red": None})
    assert ind.active is True and ind.rule_red is True
    with pytest.raises(ValidationError) as err:
        with db.write() as s:
            records.update(s, actor, "indicator", "IND-001", {"active": ""})
    assert err.value.fields == ["active"]


def test_password_hash_never_leaves_the_services(db, actor):
    from qms_tui.db.models import Person

    _person(db, actor)
    with db.engine.begin() as c:
        c.execute(Person.__table__.update().values(password_hash="secret"))
    with db.read() as s:
        assert records.get(s, "person", "mgarcia").password_hash is None
        assert records.list_page(s, "person").rows[0].password_hash is None
