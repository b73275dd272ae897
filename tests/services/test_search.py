"""Global search and the generic record access the TUI uses (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from tui.dataset import COORD, fill

from qms_tui.domain.enums import Role
from qms_tui.domain.errors import ConcurrencyError, NotFound, PermissionDenied, ValidationError
from qms_tui.screens.columns import COLUMNS
from qms_tui.services.search import (
    Between,
    actor_for_login,
    create_record,
    get_record,
    list_records,
    lookup,
    search,
    update_record,
)


@pytest.fixture
def filled(db):  # type: ignore[no-untyped-def]
    fill(db)
    return db


def test_search_matches_codes_and_texts_exact_code_first(filled):
    hits = search(filled, "casilla")
    assert ("indicator", "IND-001") in [(h.entity, h.code) for h in hits]
    nc = next(h for h in hits if h.code == "NC-2025-001")
    assert nc.entity == "nonconformity" and "Casilla" in nc.title
    assert search(filled, "ind-003")[0].code == "IND-003"
    assert search(filled, "   ") == []
    assert search(filled, "zzz-nada") == []


def test_search_snippets_and_limits(filled):
    hits = search(filled, "totalidad")
    assert hits[0].code == "OBJ-01" and "totalidad" in hits[0].snippet
    assert len(search(filled, "a", limit=3)) == 3
    assert search(filled, "100%") == []  # LIKE wildcards are taken literally


def test_list_records_filters_sorts_and_pages(filled):
    page = list_records(filled, "indicator", order="name", descending=True, limit=2, ref_fields=["objective"])
    assert page.total == 4 and [r.code for r in page.rows] == ["IND-004", "IND-003"]
    assert page.refs["objective"][page.rows[1].objective_id] == "OBJ-02"
    assert list_records(filled, "indicator", offset=2, limit=2).rows[0].code == "IND-003"
    assert list_records(filled, "indicator", text="paquetes").total == 1
    assert list_records(filled, "indicator", where={"objective": "OBJ-01"}).total == 2
    ncs = list_records(filled, "nonconformity", where={
        "status": ["registered"], "severity": "minor", "detected_on": Between(None, date(2025, 3, 17))})
    assert [r.code for r in ncs.rows] == ["NC-2025-003"]
    assert list_records(filled, "nonconformity", where={"severity": None}).total == 1


def test_get_record_resolves_references(filled):
    view = get_record(filled, "indicator", "IND-001")
    assert view.refs["owner_id"] == ("coord", "María García")
    values = view.form_values()
    assert values["objective"] == "OBJ-01" and values["owner"] == "coord" and values["process"] == ""
    with pytest.raises(NotFound):
        get_record(filled, "indicator", "IND-999")


def test_create_and_update_go_through_the_services(filled):
    dto = create_record(filled, COORD, "risk", {"kind": "risk", "title": "Lluvias el día de la jornada",
                                                "likelihood": "3", "impact": "4"})
    assert dto.code == "RO-001"
    updated = update_record(filled, COORD, "risk", "RO-001", {"impact": "5"}, expected_version=dto.version)
    assert updated.impact == 5 and updated.version == dto.version + 1
    with pytest.raises(ConcurrencyError):
        update_record(filled, COORD, "risk", "RO-001", {"impact": "2"}, expected_version=dto.version)
    with pytest.raises(ValidationError) as err:
        create_record(filled, COORD, "risk", {"kind": "risk", "title": "x", "likelihood": "9", "impact": "1"})
    assert err.value.fields == ["likelihood"]


def test_actor_for_login(filled):
    coord = actor_for_login(filled, "coord")
    assert coord.role == "coordinator" and coord.name == "María García" and coord.person_id
    stranger = actor_for_login(filled, "visitante")
    assert stranger.role == Role.READER
    with pytest.raises(PermissionDenied):
        create_record(filled, stranger, "risk", {"kind": "risk", "title": "x", "likelihood": "1", "impact": "1"})


def test_lookup_for_pickers(filled):
    assert lookup(filled, "person", "garc") == [("coord", "María García")]
    assert [c for c, _ in lookup(filled, "indicator", "")] == ["IND-001", "IND-002", "IND-003", "IND-004"]


def test_every_list_column_exists(db):
    """The per-entity columns of the list screens are real fields or columns."""
    from qms_tui.domain.specs import SPECS

    for entity in SPECS:
        assert entity in COLUMNS, entity
        page = list_records(db, entity, order=COLUMNS[entity][1] if COLUMNS[entity][1] in
                            {f.name for f in SPECS[entity].fields if f.kind != "ref"} else None)
        assert page.total == 0
        from qms_tui.services.records import dto_type

        columns = set(dto_type(entity).__dataclass_fields__)
        for name in COLUMNS[entity]:
            assert name in columns or f"{name}_id" in columns, (entity, name)


def test_generic_updates_go_through_the_aggregate_rules(db, actor):
    """The TUI's generic form must not bypass an aggregate's own rules (here: a freeze window)."""
    from qms_tui.domain.errors import QmsError
    from qms_tui.services import records, search

    today = date.today()
    with db.write() as s:
        records.create(s, actor, "event", {"code": "EV-X", "name": "Consulta", "kind": "participation",
                                           "start_date": today.replace(day=1), "key_date": today,
                                           "end_date": date(today.year + 1, 1, 1)})
        records.create(s, actor, "document", {"code": "PR-SGC-09", "title": "Procedimiento", "kind": "procedure"})
    with pytest.raises(QmsError) as err:
        search.update_record(db, actor, "document", "PR-SGC-09", {"title": "Cambiado"})
    assert "frozen" in str(err.value)
    with db.read() as s:
        assert records.get(s, "document", "PR-SGC-09").title == "Procedimiento"
