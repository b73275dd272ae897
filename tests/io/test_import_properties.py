"""Property tests of the importer: no input makes it crash, and it never writes part of a file.

Each example imports a generated file into the same database: either the whole file is
written (and the trail still verifies) or nothing is, and the refusal names lines."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_helpers import TODAY, counts, verified

from qms_tui.services.importer import ImportRefused, import_measurements
from qms_tui.services.measurement_bulk import EVENT
from qms_tui.services.trail import canonical

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

codes = st.sampled_from(["IND-001", "IND-002", "ind-003", " IND-011 ", "IND-012", "IND-999", "", "IND-0"])
periods = st.one_of(
    st.sampled_from(["2025-01", "2024-12", "2025-q1", "2025-S1", "2025", "2025-13", "2025-7", "2026-01",
                     "2025-06-01", "2025-02-30", "", "marzo"]),
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1, 2025), st.integers(0, 13)),
)
values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**20, 10**20).map(str),
    st.sampled_from(["", "1,5", "1_000", " 7 ", "nan", "-inf", "1e400", "0x10", "98.5%", "½"]),
)
texts = st.text(st.characters(codec="utf-8"), max_size=12)
notes = st.one_of(st.none(), texts)
rows = st.lists(st.tuples(codes, periods, values, notes), max_size=12)


def _run(db, actor, path, replace: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Import; on refusal nothing changed, on success exactly the new rows were written."""
    before = counts(db)
    try:
        report = import_measurements(db, actor, path, replace=replace, today=TODAY)
    except ImportRefused as exc:
        assert counts(db) == before
        assert exc.lines() and all(isinstance(line, str) for line in exc.lines())
        return
    after = counts(db)
    assert after[0] == before[0] + report.new
    assert after[1] >= before[1] + report.rows
    assert verified(db)


@SETTINGS
@given(text=st.text(max_size=300), header=st.booleans())
def test_any_csv_text(db, actor, indicators, tmp_path_factory, text, header):
    path = tmp_path_factory.mktemp("csv") / "m.csv"
    path.write_text(("indicator,period,value,note\n" if header else "") + text, encoding="utf-8")
    _run(db, actor, path)


@SETTINGS
@given(data=st.binary(max_size=200))
def test_any_bytes(db, actor, indicators, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bin")
    for name in ("m.csv", "m.xlsx"):
        (folder / name).write_bytes(data)
        _run(db, actor, folder / name)


@SETTINGS
@given(rows=rows, delimiter=st.sampled_from([",", ";"]), replace=st.booleans())
def test_generated_csv_rows(db, actor, indicators, tmp_path_factory, rows, delimiter, replace):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(["indicador", "periodo", "valor", "nota"])
    w.writerows(rows)
    path = tmp_path_factory.mktemp("rows") / "m.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    _run(db, actor, path, replace)


cells = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False), texts,
                  st.dates(date(1900, 1, 1), date(2030, 1, 1)), st.datetimes(datetime(1990, 1, 1), datetime(2030, 1, 1)))


@SETTINGS
@given(rows=st.lists(st.tuples(st.one_of(codes, cells), st.one_of(periods, cells), st.one_of(values, cells),
                               cells), max_size=8))
def test_generated_xlsx_rows(db, actor, indicators, tmp_path_factory, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "period", "value", "note"])
    for row in rows:
        try:
            ws.append(list(row))
        except Exception:  # a value openpyxl itself will not store (control characters)
            return
    path = tmp_path_factory.mktemp("xlsx") / "m.xlsx"
    wb.save(path)
    _run(db, actor, path)


@settings(max_examples=200, deadline=None)
@given(after=st.text(), code=st.text(), actor=st.text(), role=st.text(), summary=st.text(),
       seq=st.integers(0, 10**12), record_id=st.integers(0, 10**12), prev=st.text("0123456789abcdef", min_size=64, max_size=64))
def test_the_event_template_is_the_canonical_payload(after, code, actor, role, summary, seq, record_id, prev):
    from json.encoder import encode_basestring as js

    at = "2025-06-16T10:00:00.123456+00:00"
    expected = canonical({"seq": seq, "at": at, "actor": actor, "role": role, "action": "create",
                          "entity": "measurement", "record_id": record_id, "code": code, "summary": summary,
                          "before": None, "after": after, "prev": prev})
    assert EVENT % (js(actor), js(after), js(at), js(code), prev, record_id, js(role), seq, js(summary)) == expected


@pytest.mark.parametrize("value", [0.1 + 0.2, 1e-300, 123456789.123, -0.0, 5e-324])
def test_odd_values_still_verify(db, actor, indicators, tmp_path, value):
    path = tmp_path / "m.csv"
    path.write_text(f"indicator,period,value,note\nIND-001,2025-01,{value!r},\"a\\\"b\\\\c \U0001F600\"\n",
                    encoding="utf-8")
    import_measurements(db, actor, path, today=TODAY)
    assert verified(db)
