"""``qms import measurements``: all or nothing, every bad row named, the trail still a valid
chain; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from io_helpers import TODAY, counts, month_rows, verified, write_csv
from sqlalchemy import select

from qms_tui.cli import cli
from qms_tui.db.models import CodeSequence, Evidence, EvidenceBlob, Measurement, TrailEvent
from qms_tui.domain.errors import PermissionDenied
from qms_tui.services import importer
from qms_tui.services import indicators as I
from qms_tui.services.importer import ImportRefused, import_measurements


@pytest.fixture(autouse=True)
def _cli_env(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_LANG", "en")
    monkeypatch.delenv("QMS_DATABASE_URL", raising=False)
    monkeypatch.delenv("QMS_DEBUG", raising=False)


def _refused(db, actor, path, **kw) -> ImportRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused) as err:
        import_measurements(db, actor, path, today=TODAY, **kw)
    return err.value


# ---------------------------------------------------------------- acceptance


def test_a_thousand_rows_with_three_bad_lines_via_the_cli(db, db_url, indicators, tmp_path):
    rows = month_rows(1000)
    rows[15][2] = "mucho"  # line 17 (the header is line 1)
    rows[498][1] = "2025-13"  # line 500
    rows[899][0] = "IND-999"  # line 901
    path = write_csv(tmp_path / "mediciones.csv", rows)
    before = counts(db)
    result = CliRunner().invoke(cli, ["import", "measurements", str(path), "--db", db_url])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "error: line 17, column value: must be a number",
        "error: line 500, column period: invalid period '2025-13': month must be 01–12",
        "error: line 901, column indicator: no record with code IND-999",
    ]
    assert counts(db) == before

    rows[15][2], rows[498][1], rows[899][0] = "91.5", "2017-01", "IND-010"
    write_csv(path, rows)
    ok = CliRunner().invoke(cli, ["import", "measurements", str(path), "--db", db_url])
    assert ok.exit_code == 0, ok.output
    assert "imported 1000 measurements (1000 new, 0 replaced)" in ok.output
    assert counts(db)[0] == before[0] + 1000
    assert counts(db)[1] == before[1] + 1000  # one trail event per measurement
    assert verified(db)


def test_import_writes_what_record_measurement_would(db, actor, indicators, tmp_path):
    path = write_csv(tmp_path / "m.csv", [["IND-001", "2025-03", "97.25", "primera"],
                                          ["ind-002", " 2025-04 ", "1e2", ""],
                                          ["IND-011", "2025-q1", "-3", "línea 1\nlínea 2 \"comillas\" %s"],
                                          ["IND-012", "2025-06-01", "0.1", None]])
    report = import_measurements(db, actor, path, today=TODAY)
    assert (report.rows, report.new, report.replaced, report.dry_run) == (4, 4, 0, False)
    assert [p.period for p in report.preview] == ["2025-03", "2025-04", "2025-Q1", "2025-06-01"]
    with db.read() as s:
        got = s.execute(select(Measurement).order_by(Measurement.id)).scalars().all()
        assert [(m.code, m.period, m.value, m.note) for m in got] == [
            ("MED-000001", "2025-03", 97.25, "primera"), ("MED-000002", "2025-04", 100.0, None),
            ("MED-000003", "2025-Q1", -3.0, "línea 1\nlínea 2 \"comillas\" %s"), ("MED-000004", "2025-06-01", 0.1, None)]
        assert got[2].period_start == date(2025, 1, 1) and got[2].period_end == date(2025, 3, 31)
        assert all(m.recorded_by_id is not None and m.version == 1 for m in got)
        assert s.get(CodeSequence, "MED").last == 4
        events = s.execute(select(TrailEvent).where(TrailEvent.entity == "measurement")).scalars().all()
        assert [e.summary for e in events] == ["IND-001 2025-03 = 97.25", "IND-002 2025-04 = 100",
                                               "IND-011 2025-Q1 = -3", "IND-012 2025-06-01 = 0.1"]
        assert {e.actor for e in events} == {"coord"} and {e.action for e in events} == {"create"}
    assert verified(db)
    # the normal write path goes on after the bulk one: codes, ids and the chain continue
    dto = I.record_measurement(db, actor, "IND-001", "2025-04", 88, today=TODAY)
    assert dto.code == "MED-000005"
    assert verified(db)
    assert import_measurements(db, actor, write_csv(tmp_path / "n.csv", [["IND-001", "2025-05", "1"]]),
                               today=TODAY).new == 1
    assert verified(db)


def test_import_joins_the_callers_transaction(db, actor, indicators, tmp_path):
    path = write_csv(tmp_path / "m.csv", month_rows(30))
    with db.write() as s:
        I.record_measurement(s, actor, "IND-001", "2020-01", 50, today=TODAY)
        import_measurements(s, actor, path, today=TODAY)
        I.record_measurement(s, actor, "IND-001", "2020-02", 51, today=TODAY)
    assert counts(db)[0] == 32
    assert verified(db)


def test_xlsx_with_typed_cells_and_spanish_headers(db, actor, indicators, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Indicador", "Periodo", "Valor", "Nota"])
    ws.append(["IND-001", "2025-02", 97, "entero"])
    ws.append(["IND-012", date(2025, 6, 1), 12.5, None])
    ws.append([None, None, None, None])
    ws.append(["IND-011", "2025-Q2", "99.5", 42])
    ws.append(["IND-002", 2025, 1, None])  # a year is not a month
    path = tmp_path / "m.xlsx"
    wb.save(path)
    err = _refused(db, actor, path)
    assert err.lines() == ["line 6, column Periodo: a monthly indicator takes periods like 2025-03"]
    ws.delete_rows(6)
    wb.save(path)
    report = import_measurements(db, actor, path, today=TODAY)
    assert report.new == 3
    with db.read() as s:
        got = s.execute(select(Measurement.period, Measurement.value, Measurement.note)
                        .order_by(Measurement.id)).all()
    assert [tuple(r) for r in got] == [("2025-02", 97.0, "entero"), ("2025-06-01", 12.5, None), ("2025-Q2", 99.5, "42")]
    assert verified(db)


def test_dry_run_checks_and_writes_nothing(db, actor, indicators, tmp_path):
    path = write_csv(tmp_path / "m.csv", month_rows(40))
    before = counts(db)
    report = import_measurements(db, actor, path, dry_run=True, today=TODAY)
    assert (report.rows, report.new, report.dry_run, len(report.preview)) == (40, 40, True, 20)
    assert counts(db) == before
    result = CliRunner().invoke(cli, ["import", "measurements", str(path), "--dry-run", "--db", db.url])
    assert result.exit_code == 0, result.output
    assert "dry run: 40 rows are valid (40 new, 0 replacing a stored value); nothing was written" in result.output
    assert counts(db) == before


def test_existing_measurements_need_replace(db, actor, indicators, tmp_path):
    I.record_measurement(db, actor, "IND-001", "2025-05", 50, today=TODAY)
    I.record_measurement(db, actor, "IND-002", "2025-05", 60, today=TODAY)
    path = write_csv(tmp_path / "m.csv", month_rows(20))  # includes IND-001/002 2025-05 on lines 2 and 3
    before = counts(db)
    err = _refused(db, actor, path)
    assert err.lines() == ["line 2, column period: a measurement for 2025-05 already exists; use replace",
                           "line 3, column period: a measurement for 2025-05 already exists; use replace"]
    assert counts(db) == before
    report = import_measurements(db, actor, path, replace=True, today=TODAY)
    assert (report.new, report.replaced) == (18, 2)
    with db.read() as s:
        m = s.execute(select(Measurement).where(Measurement.code == "MED-000001")).scalar_one()
        assert (m.value, m.version) == (90.0, 2)
        updates = s.execute(select(TrailEvent.summary).where(TrailEvent.action == "update")).scalars().all()
        assert updates == ["IND-001 2025-05: 50 → 90", "IND-002 2025-05: 60 → 90.1"]
    assert counts(db)[0] == before[0] + 18
    assert verified(db)


def test_evidence_files_are_stored_with_their_sha256(db, actor, indicators, tmp_path):
    folder = tmp_path / "lote"
    folder.mkdir()
    (folder / "acta.pdf").write_bytes(b"%PDF-1.7 acta de la jornada")
    (folder / "vacio.txt").write_bytes(b"")
    header = ("indicator", "period", "value", "note", "evidence")
    bad = write_csv(folder / "m.csv", [["IND-001", "2025-05", "1", "", "acta.pdf"],
                                       ["IND-002", "2025-05", "2", "", "falta.pdf"],
                                       ["IND-003", "2025-05", "3", "", "vacio.txt"]], header=header)
    err = _refused(db, actor, bad)
    assert [e.split(":")[0] for e in err.lines()] == ["line 3, column evidence", "line 4, column evidence"]
    assert "falta.pdf" in err.lines()[0] and err.lines()[1].endswith("is empty")
    I.record_measurement(db, actor, "IND-004", "2025-05", 1, today=TODAY)
    good = write_csv(folder / "m.csv", [["IND-001", "2025-05", "1", "", "acta.pdf"],
                                        ["IND-002", "2025-05", "2", "", str(folder / "acta.pdf")],
                                        ["IND-003", "2025-05", "3", "", ""],
                                        ["IND-004", "2025-05", "4", "", "acta.pdf"]], header=header)
    report = import_measurements(db, actor, good, replace=True, today=TODAY)
    assert (report.new, report.replaced, report.evidence_files) == (3, 1, 1)
    digest = hashlib.sha256(b"%PDF-1.7 acta de la jornada").hexdigest()
    with db.read() as s:
        ev = s.execute(select(Evidence)).scalar_one()
        assert (ev.sha256, ev.filename, ev.size) == (digest, "acta.pdf", 27)
        assert s.get(EvidenceBlob, ev.id).content == b"%PDF-1.7 acta de la jornada"
        linked = s.execute(select(Measurement.period, Measurement.evidence_id).order_by(Measurement.indicator_id)).all()
        assert [e for _, e in linked] == [ev.id, ev.id, None, ev.id]
    assert verified(db)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", ["the file is empty"]),
        ("indicator,period,value\n", ["the file has no measurements (only a header)"]),
        ("indicador,periodo\nIND-001,2025-01\n", ["line 1: missing column value"]),
        ("indicator,period,value,valor\nIND-001,2025-01,1,2\n",
         ["line 1, column valor: the column appears twice"]),
        ("indicator,period,value,peso\nIND-001,2025-01,1,2\n",
         ["line 1, column peso: unknown column; the columns are indicator, period, value, note and evidence"]),
        ("indicator,period,value\nIND-001,2025-01,1,2\n", ["line 2: has 4 values; the header has 3 columns"]),
        ("indicator,period,value\nIND-001,2025-01,\"1,5\"\n",
         ["line 2, column value: must be a number (use a point for decimals, no thousands separators)"]),
        ("indicator,period,value\nIND-001,2025-01,nan\n,2025-02,1\nIND-001,2025-Q1,1\nIND-001,2025-07,1\n",
         ["line 2, column value: must be a number", "line 3, column indicator: is required",
          "line 4, column period: a monthly indicator takes periods like 2025-03",
          "line 5, column period: 2025-07 has not started yet"]),
        ("indicator,period,value\nIND-001,2025-01,1\nIND-001,2025-01,2\n",
         ["line 3, column period: the file already has IND-001 2025-01 on line 2"]),
        ('indicator,period,value,note\nIND-001,2025-01,1,"a\nb"\nIND-001,2025-02,x,\n',
         ["line 4, column value: must be a number"]),
    ],
)
def test_bad_files_name_every_problem(db, actor, indicators, tmp_path, content, expected):
    path = tmp_path / "m.csv"
    path.write_text(content, encoding="utf-8")
    before = counts(db)
    assert _refused(db, actor, path).lines() == expected
    assert counts(db) == before


def test_semicolons_bom_and_windows_encoding(db, actor, indicators, tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes("\ufeffindicador;periodo;valor;nota\r\nIND-001;2025-01;98.5;revisión\r\n".encode())
    assert import_measurements(db, actor, path, today=TODAY).new == 1
    path.write_bytes("indicator;period;value;note\r\nIND-001;2025-02;1;año electoral\r\n".encode("cp1252"))
    assert import_measurements(db, actor, path, today=TODAY).new == 1
    with db.read() as s:
        assert s.execute(select(Measurement.note).order_by(Measurement.id)).scalars().all() == [
            "revisión", "año electoral"]
    assert verified(db)


def test_other_files_are_refused(db, actor, indicators, tmp_path):
    assert _refused(db, actor, tmp_path / "m.txt").lines() == [f"{tmp_path / 'm.txt'}: the file must end in .csv or .xlsx"]
    assert _refused(db, actor, tmp_path / "none.csv").lines()[0].startswith("cannot read ")
    fake = tmp_path / "m.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a workbook")
    assert _refused(db, actor, fake).lines()[0].startswith("not a readable .xlsx file: ")


def test_a_reader_may_not_import(db, indicators, tmp_path):
    from qms_tui.domain.actor import Actor

    with pytest.raises(PermissionDenied):
        import_measurements(db, Actor("visita", "reader"), write_csv(tmp_path / "m.csv", month_rows(1)))


def test_the_breach_hook_sees_the_new_measurements(db, actor, indicators, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(I, "after_measurements", lambda s, a, ids, known: seen.append((a.login, list(ids))), raising=False)
    report = import_measurements(db, actor, write_csv(tmp_path / "m.csv", month_rows(3)), today=TODAY)
    assert seen == [("coord", list(report.measurement_ids))] and len(report.measurement_ids) == 3


def test_a_failing_write_leaves_nothing(db, actor, indicators, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "m.csv", month_rows(12_000))  # more than one chunk
    before = counts(db)
    calls = {"n": 0}
    original = importer.BulkWriter._prepare

    def failing(self, rows, evidence_ids):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, rows, evidence_ids)

    monkeypatch.setattr(importer.BulkWriter, "_prepare", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        import_measurements(db, actor, path, today=TODAY)
    assert counts(db) == before


# ---------------------------------------------------------------- the bulk writer's blocks


def test_blocks_of_any_size_write_every_row_in_order(db, actor, indicators, tmp_path, monkeypatch):
    """Rows go in as multi-row INSERTs: the last block of each chunk is shorter, and a
    driver allowing few bind parameters gets smaller blocks; nothing is lost or reordered."""
    from qms_tui.services import measurement_bulk

    monkeypatch.setattr(measurement_bulk, "CHUNK", 40)
    monkeypatch.setattr(measurement_bulk, "BLOCK", 7)
    monkeypatch.setattr(measurement_bulk, "_variable_limit", lambda conn: 30)  # 2 rows of 14 columns
    rows = month_rows(101)
    report = import_measurements(db, actor, write_csv(tmp_path / "m.csv", rows), today=TODAY)
    assert report.new == 101
    with db.read() as s:
        got = s.execute(select(Measurement.code, Measurement.period, Measurement.value)
                        .order_by(Measurement.id)).all()
        summaries = s.execute(select(TrailEvent.summary).where(TrailEvent.entity == "measurement")
                              .order_by(TrailEvent.seq)).scalars().all()
    assert [c for c, _p, _v in got] == [f"MED-{i:06d}" for i in range(1, 102)]
    assert [(p, v) for _c, p, v in got] == [(r[1], float(r[2])) for r in rows]
    assert summaries == [f"{r[0]} {r[1]} = {float(r[2]):g}" for r in rows]
    assert verified(db)


def test_the_switch_interval_is_restored(db, actor, indicators, tmp_path, monkeypatch):
    """The writer thread shortens the interpreter's switch interval while it runs, and gives
    it back whether the import succeeds or fails."""
    import sys

    before = sys.getswitchinterval()
    path = write_csv(tmp_path / "m.csv", month_rows(50))
    original = importer.BulkWriter._prepare
    during = []

    def failing(self, rows, evidence_ids):  # type: ignore[no-untyped-def]
        during.append(sys.getswitchinterval())
        raise RuntimeError("disk full")

    with monkeypatch.context() as m:
        m.setattr(importer.BulkWriter, "_prepare", failing)
        with pytest.raises(RuntimeError, match="disk full"):
            import_measurements(db, actor, path, today=TODAY)
    assert during and during[0] < before
    assert sys.getswitchinterval() == before
    assert importer.BulkWriter._prepare is original
    assert import_measurements(db, actor, path, today=TODAY).new == 50
    assert sys.getswitchinterval() == before


def test_the_rows_handed_to_the_breach_rules_are_what_was_stored(db, actor, indicators, tmp_path, monkeypatch):
    """The import hands the breach rules its rows instead of their reading them back: the
    same indicator, start (as stored), id, period and value as a read gives."""
    from qms_tui.services import breaches

    seen = {}
    monkeypatch.setattr(I, "after_measurements", lambda s, a, ids, known: seen.update(ids=ids, known=known))
    rows = month_rows(60) + [["IND-011", "2024-Q3", "12.5", ""], ["IND-012", "2024-11-05", "-1", ""]]
    import_measurements(db, actor, write_csv(tmp_path / "m.csv", rows), today=TODAY)
    with db.read() as s:
        stored = breaches._read(s, seen["ids"])
    known = seen["known"]
    assert sum(map(len, known.values())) == 62
    assert {k: sorted(v) for k, v in known.items()} == {k: sorted(v) for k, v in stored.items()}
