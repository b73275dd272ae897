"""``qms export`` / ``qms restore``: every table, byte-identical round trips, clear refusals."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from io_helpers import TODAY, counts, month_rows, verified, write_csv
from sqlalchemy import create_engine, text

from qms_tui.cli import cli
from qms_tui.db.session import Database
from qms_tui.services import backup, documents, records
from qms_tui.services import indicators as I
from qms_tui.services.backup import RestoreRefused, export_all, restore_all
from qms_tui.services.importer import import_measurements
from qms_tui.services.setup import init_database

PG_URL = os.environ.get("QMS_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def _cli_env(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_LANG", "en")
    monkeypatch.delenv("QMS_DATABASE_URL", raising=False)


def _fill(db, actor, tmp_path):  # type: ignore[no-untyped-def]
    """Records of many kinds: org units with a parent, clauses, evidence bytes, imported and
    replaced measurements, a deletion in the trail."""
    with db.write() as s:
        dd = records.create(s, actor, "org_unit", {"name": "Dirección Distrital 01", "kind": "district", "district_no": 1})
        se = records.create(s, actor, "org_unit", {"name": "Secretaría Ejecutiva", "kind": "secretariat"})
        records.update(s, actor, "org_unit", dd.code, {"parent": se.code})  # the parent has the larger id
        records.create(s, actor, "process", {"code": "PR-01", "name": "Organización electoral",
                                             "category": "substantive", "clauses": "8.1, 8.5.1"})
    documents.add_evidence(db, actor, {"title": "Acta", "effective_date": "2025-06-01"}, b"\x00\x01binary\xff", "acta.bin")
    import_measurements(db, actor, write_csv(tmp_path / "m.csv", month_rows(60)), today=TODAY)
    I.record_measurement(db, actor, "IND-001", "2025-05", 12.5, note="ñandú \"x\" \u2028", replace=True, today=TODAY)
    I.delete_measurement(db, actor, "IND-002", "2025-05")


def _new_sqlite(tmp_path: Path, name: str) -> Database:
    db = Database(f"sqlite:///{tmp_path / name}")
    init_database(db)
    return db


def test_export_restore_export_is_identical_sqlite_to_sqlite(db, actor, indicators, tmp_path):
    _fill(db, actor, tmp_path)
    first = export_all(db, tmp_path / "uno.json")
    assert first.events > 60 and first.tables["evidence_blob"] == 1 and first.tables["org_unit"] == 2
    other = _new_sqlite(tmp_path, "copia.db")
    restored = restore_all(other, tmp_path / "uno.json")
    assert restored.tables == first.tables
    assert verified(other)
    export_all(other, tmp_path / "dos.json")
    assert (tmp_path / "uno.json").read_bytes() == (tmp_path / "dos.json").read_bytes()
    # the restored database works on: new codes and ids follow the restored ones
    dto = I.record_measurement(other, actor, "IND-003", "2024-01", 1, today=TODAY)
    assert dto.code == "MED-000061"
    assert verified(other)
    other.dispose()


@pytest.mark.pg
def test_export_restore_export_is_identical_sqlite_to_postgresql(actor, tmp_path):
    if not PG_URL:
        pytest.skip("QMS_TEST_POSTGRES_URL is not set")
    src = _new_sqlite(tmp_path, "origen.db")
    from io_helpers import MONTHLY

    with src.write() as s:
        records.create(s, actor, "person", {"code": "coord", "name": "Coordinación", "role": "coordinator"})
        for i in range(12):
            records.create(s, actor, "indicator", {**MONTHLY, "name": f"Indicador {i + 1}"})
    _fill(src, actor, tmp_path)
    export_all(src, tmp_path / "uno.json")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    pg = Database(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    try:
        init_database(pg)
        result = CliRunner().invoke(cli, ["restore", str(tmp_path / "uno.json"), "--db", pg.url])
        assert result.exit_code == 0, result.output
        assert "restored " in result.output
        out = CliRunner().invoke(cli, ["export", str(tmp_path / "dos.json"), "--db", pg.url])
        assert out.exit_code == 0, out.output
        assert (tmp_path / "uno.json").read_bytes() == (tmp_path / "dos.json").read_bytes()
        assert verified(pg)
        # the sequences were moved past the restored ids
        assert I.record_measurement(pg, actor, "IND-003", "2024-01", 1, today=TODAY).id == 61
        assert verified(pg)
    finally:
        pg.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        src.dispose()


def test_restore_refuses_a_database_with_records(db, actor, indicators, tmp_path):
    export_all(db, tmp_path / "uno.json")
    before = counts(db)
    with pytest.raises(RestoreRefused, match=r"the database is not empty \(\w+ has \d+ rows\)"):
        restore_all(db, tmp_path / "uno.json")
    assert counts(db) == before
    result = CliRunner().invoke(cli, ["restore", str(tmp_path / "uno.json"), "--db", db.url])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("error: the database is not empty")


def test_restore_creates_the_schema_of_a_new_sqlite_file(db, actor, indicators, tmp_path):
    export_all(db, tmp_path / "uno.json")
    target = tmp_path / "nueva.db"
    result = CliRunner().invoke(cli, ["restore", str(tmp_path / "uno.json"), "--db", str(target)])
    assert result.exit_code == 0, result.output
    new = Database(f"sqlite:///{target}")
    assert counts(new) == counts(db)
    new.dispose()


def _doc(tmp_path: Path, db) -> dict:  # type: ignore[no-untyped-def]
    export_all(db, tmp_path / "uno.json")
    return json.loads((tmp_path / "uno.json").read_text(encoding="utf-8"))


def _restore_doc(tmp_path: Path, doc: object) -> str:
    path = tmp_path / "editado.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    empty = _new_sqlite(tmp_path, f"{uuid.uuid4().hex}.db")
    try:
        with pytest.raises(RestoreRefused) as err:
            restore_all(empty, path)
        assert counts(empty) == (0, 0, 0)
    finally:
        empty.dispose()
    return str(err.value)


def test_a_file_from_a_newer_version_is_refused(db, actor, indicators, tmp_path):
    doc = _doc(tmp_path, db)
    doc["format_version"] = 2
    doc["tables"]["something_new"] = []
    assert _restore_doc(tmp_path, doc) == "this file was written by a newer qms-tui (format 2); upgrade qms-tui"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="other"), "this file is not a qms-tui export"),
        (lambda d: d["tables"]["person"][0].pop("name"), "/tables/person/0: name is missing"),
        (lambda d: d["tables"]["person"][0].update(extra=1), "/tables/person/0/extra: is not allowed here"),
        (lambda d: d["tables"]["indicator"][0].update(target="95"), "/tables/indicator/0/target: must be number or null"),
        (lambda d: d["tables"]["indicator"][0].update(created_at="ayer"), "/tables/indicator/0/created_at: has the wrong form"),
        (lambda d: d["tables"]["person"][0].update(code="x" * 41), "/tables/person/0/code: longer than 40 characters"),
        (lambda d: d["tables"].update(mystery=[]), "/tables/mystery: is not allowed here"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(db, actor, indicators, tmp_path, edit, message):
    doc = _doc(tmp_path, db)
    edit(doc)
    assert message in _restore_doc(tmp_path, doc)


def test_a_tampered_trail_is_refused(db, actor, indicators, tmp_path):
    doc = _doc(tmp_path, db)
    doc["tables"]["indicator"][0]["target"] = 50.0  # changed behind the trail's back
    assert "the file's audit trail does not verify" in _restore_doc(tmp_path, doc)


def test_not_json_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"\xff{not json")
    empty = _new_sqlite(tmp_path, "e.db")
    with pytest.raises(RestoreRefused, match="is not a qms-tui export"):
        restore_all(empty, path)
    empty.dispose()


def test_a_failed_export_leaves_no_file(db, tmp_path, monkeypatch):
    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("lost")

    monkeypatch.setattr(backup, "_rows", boom)
    with pytest.raises(RuntimeError):
        export_all(db, tmp_path / "x.json")
    assert list(tmp_path.iterdir()) == [] or all(p.name in {"qms.db", "qms.db-wal", "qms.db-shm", "data"}
                                                 for p in tmp_path.iterdir())


def test_the_shipped_schema_matches_the_models():
    shipped = json.loads(backup.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == backup.build_schema(), (
        "the tables changed: regenerate with "
        "`.venv/bin/python -m qms_tui.services.backup schema > qms_tui/services/export_schema.json` "
        "(and raise FORMAT_VERSION if old files can no longer be restored)")


def test_a_refused_restore_leaves_no_new_database_file(db, actor, indicators, tmp_path):
    doc = _doc(tmp_path, db)
    doc["tables"]["indicator"][0]["target"] = 50.0
    path = tmp_path / "editado.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "nueva.db"
    result = CliRunner().invoke(cli, ["restore", str(path), "--db", str(target)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "the file's audit trail does not verify" in result.stderr
    assert not list(tmp_path.glob("nueva.db*"))
