"""Indicators and measurements: validation, traffic lights, overdue periods, bounded queries."""

from datetime import date

import pytest
from sqlalchemy import event, func, select

from qms_tui.db.models import Measurement, TrailEvent
from qms_tui.domain.errors import NotFound, ValidationError
from qms_tui.services import indicators as I
from qms_tui.services import org, trail

HIGHER = {"name": "Casillas instaladas", "unit": "%", "direction": "higher", "target": "98",
          "frequency": "monthly", "clauses": "9.1.1"}
LOWER = {"name": "Horas para cerrar el cómputo", "unit": "horas", "direction": "lower", "target": 24,
         "frequency": "monthly"}
BAND = {"name": "Boletas sobrantes", "unit": "%", "direction": "band", "band_low": 95, "band_high": 105,
        "band_tolerance": 2, "frequency": "quarterly"}


def _count(db, model):
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _verify(db):
    with db.read() as s:
        assert trail.verify(s) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"target": "noventa"}, "target"),
        ({"direction": "band", "target": None}, "band_low"),
        ({"green_from": 90, "yellow_from": 95}, "yellow_from"),
        ({"direction": "higher", "target": None}, "target"),
    ],
)
def test_invalid_indicator_names_the_field_and_writes_nothing(db, actor, changes, field):
    with pytest.raises(ValidationError) as err:
        I.create_indicator(db, actor, {**HIGHER, **changes})
    assert field in err.value.fields
    assert _count(db, TrailEvent) == 0


def test_band_needs_both_bounds(db, actor):
    with pytest.raises(ValidationError) as err:
        I.create_indicator(db, actor, {**BAND, "band_high": None})
    assert err.value.fields == ["band_high"]


def test_measurement_validation(db, actor):
    ind = I.create_indicator(db, actor, HIGHER)
    cases = [("2025-Q1", 90, "period"), ("2025-13", 90, "period"), ("marzo", 90, "period"),
             ("2025-03", "mucho", "value"), ("", 90, "period"), ("2099-01", 90, "period")]
    before = _count(db, TrailEvent)
    for period, value, field in cases:
        with pytest.raises(ValidationError) as err:
            I.record_measurement(db, actor, ind.code, period, value)
        assert err.value.fields == [field], (period, value)
    with pytest.raises(ValidationError) as err:
        I.record_measurement(db, actor, ind.code, "2025-Q1", "x")
    assert sorted(err.value.fields) == ["period", "value"]
    assert "monthly" in str(err.value) and "2025-03" in str(err.value)
    with pytest.raises(NotFound):
        I.record_measurement(db, actor, "IND-999", "2025-03", 1)
    assert _count(db, TrailEvent) == before


def test_duplicate_period_is_refused_unless_replace(db, actor):
    org.create_person(db, actor, {"code": "coord", "name": "Coordinación", "role": "coordinator"})
    ind = I.create_indicator(db, actor, HIGHER)
    m = I.record_measurement(db, actor, ind.code, "2025-03", "97.5", note="primera captura")
    assert (m.period, m.period_start, m.period_end, m.value) == ("2025-03", date(2025, 3, 1), date(2025, 3, 31), 97.5)
    assert m.recorded_by_id is not None and m.code == "MED-000001"
    with pytest.raises(ValidationError) as err:
        I.record_measurement(db, actor, ind.code, " 2025-03 ", 99)
    assert err.value.fields == ["period"] and "already exists" in str(err.value)
    with pytest.raises(ValidationError):
        I.record_measurement(db, actor, ind.code, "2025-04", 90, today=date(2025, 3, 31))
    r = I.record_measurement(db, actor, ind.code, "2025-03", 99, note="corregida", replace=True)
    assert (r.id, r.value, r.note, r.version) == (m.id, 99.0, "corregida", 2)
    assert _count(db, Measurement) == 1
    with db.read() as s:
        actions = s.execute(select(TrailEvent.action).where(TrailEvent.entity == "measurement")
                            .order_by(TrailEvent.seq)).scalars().all()
    assert actions == ["create", "update"]
    _verify(db)


def test_quarter_labels_are_normalised_and_delete(db, actor):
    ind = I.create_indicator(db, actor, BAND)
    assert I.record_measurement(db, actor, ind.code, "2025-q2", 100).period == "2025-Q2"
    I.delete_measurement(db, actor, ind.code, "2025-Q2")
    assert _count(db, Measurement) == 0
    with pytest.raises(NotFound):
        I.delete_measurement(db, actor, ind.code, "2025-Q2")
    _verify(db)


def test_traffic_lights_end_to_end(db, actor):
    hi = I.create_indicator(db, actor, HIGHER)
    lo = I.create_indicator(db, actor, LOWER)
    band = I.create_indicator(db, actor, BAND)
    with db.write() as s:  # one transaction for all nine
        for code, values, periods in [
            (hi.code, (99, 85, 70), ("2025-01", "2025-02", "2025-03")),
            (lo.code, (32, 26, 20), ("2025-01", "2025-02", "2025-03")),
            (band.code, (100, 106, 110), ("2024-Q3", "2024-Q4", "2025-Q1")),
        ]:
            for p, v in zip(periods, values, strict=True):
                I.record_measurement(s, actor, code, p, v)
    today = date(2025, 4, 10)
    by_code = {st.code: st for st in I.indicator_statuses(db, today)}
    h, lw, b = by_code[hi.code], by_code[lo.code], by_code[band.code]
    assert h.recent_lights == ("green", "yellow", "red") and h.light == "red" and h.symbol == "✖"
    assert h.last_period == "2025-03" and h.last_value == 70.0
    assert h.attainment == pytest.approx(70 / 98 * 100) and h.trend == "worsening"
    assert lw.recent_lights == ("red", "yellow", "green") and lw.trend == "improving"
    assert lw.attainment == pytest.approx(120.0)
    assert b.recent_lights == ("green", "yellow", "red") and b.light == "red"
    assert h.indicator.clauses == ("9.1.1",)
    assert [p.light for p in I.series(db, hi.code)] == ["green", "yellow", "red"]
    assert [p.period for p in I.series(db, hi.code, limit=2)] == ["2025-02", "2025-03"]
    assert I.indicator_status(db, lo.code, today).light == "green"
    assert I.light_of(hi, None) == "none"
    page = I.measurements_page(db, indicator=hi.code, limit=2)
    assert page.total == 3 and [m.period for m in page.rows] == ["2025-03", "2025-02"]
    assert I.measurements_page(db, text="q4").total == 1


def test_custom_thresholds(db, actor):
    ind = I.create_indicator(db, actor, {**HIGHER, "target": 100, "green_from": 95, "yellow_from": 90})
    assert [I.light_of(ind, v) for v in (96, 92, 89)] == ["green", "yellow", "red"]
    only_green = I.create_indicator(db, actor, {**HIGHER, "target": 100, "green_from": 70})
    assert [I.light_of(only_green, v) for v in (71, 69)] == ["green", "red"]


def test_overdue_with_a_fixed_today(db, actor):
    monthly = I.create_indicator(db, actor, HIGHER)
    I.record_measurement(db, actor, monthly.code, "2025-05", 99)
    assert not I.indicator_status(db, monthly.code, date(2025, 7, 10)).overdue  # June due 15 July
    late = I.indicator_status(db, monthly.code, date(2025, 7, 20))
    assert late.overdue and late.missing == 1
    assert I.indicator_status(db, monthly.code, date(2025, 9, 1)).missing == 2
    assert [st.code for st in I.overdue_indicators(db, date(2025, 7, 20))] == [monthly.code]
    # with no measurement, periods are expected from the indicator's creation on
    fresh = I.create_indicator(db, actor, {**BAND, "name": "Nuevo"})
    assert not I.indicator_status(db, fresh.code, date(2025, 7, 20)).overdue
    assert I.indicator_status(db, fresh.code, date(date.today().year + 2, 1, 1)).overdue


def test_per_event_indicator_is_due_after_its_event(db, actor):
    from qms_tui.services import processes

    processes.create_event(db, actor, {"code": "CPP-2025", "name": "Consulta PP 2025", "kind": "participation",
                                       "start_date": "2025-01-10", "key_date": "2025-05-04",
                                       "end_date": "2025-06-30"})
    ind = I.create_indicator(db, actor, {**HIGHER, "frequency": "per_event", "event": "CPP-2025"})
    assert not I.indicator_status(db, ind.code, date(2025, 7, 10)).overdue
    assert I.indicator_status(db, ind.code, date(2025, 7, 20)).missing == 1
    with pytest.raises(ValidationError):
        I.record_measurement(db, actor, ind.code, "2025-05", 97)
    I.record_measurement(db, actor, ind.code, "2025-05-04", 97)
    assert not I.indicator_status(db, ind.code, date(2025, 7, 20)).overdue
    assert [st.code for st in I.indicator_statuses(db, event="CPP-2025")] == [ind.code]


def test_frequency_is_fixed_once_measured(db, actor):
    ind = I.create_indicator(db, actor, HIGHER)
    I.update_indicator(db, actor, ind.code, {"frequency": "quarterly"})
    I.update_indicator(db, actor, ind.code, {"frequency": "monthly"})
    I.record_measurement(db, actor, ind.code, "2025-01", 99)
    with pytest.raises(ValidationError) as err:
        I.update_indicator(db, actor, ind.code, {"frequency": "annual"})
    assert err.value.fields == ["frequency"]
    with pytest.raises(ValidationError) as err:
        I.update_indicator(db, actor, ind.code, {"active": ""})
    assert err.value.fields == ["active"]
    assert I.update_indicator(db, actor, ind.code, {"target": 97}, expected_version=3).target == 97.0
    _verify(db)


def test_status_queries_do_not_grow_with_the_number_of_indicators(db, actor):
    def add(n, start):
        with db.write() as s:
            for i in range(n):
                ind = I.create_indicator(s, actor, {**HIGHER, "name": f"Indicador {start + i}"})
                for p, v in (("2025-01", 90 + i % 10), ("2025-02", 95)):
                    I.record_measurement(s, actor, ind.code, p, v)

    statements = []

    def count(*_args):
        statements.append(1)

    def measure():
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            result = I.indicator_statuses(db, date(2025, 3, 1))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(result), len(statements)

    add(3, 0)
    n3, q3 = measure()
    add(27, 3)
    n30, q30 = measure()
    assert (n3, n30) == (3, 30)
    assert q30 == q3 <= 5, (q3, q30)
    assert all(st.last_period == "2025-02" and len(st.recent) == 2 for st in I.indicator_statuses(db))
