"""Indicators that raise draft nonconformities: a red result, N yellow periods in a row, M
periods each worse than the one before; never twice for the same breach, whether the value
comes from a form, a replacement or the importer."""

from datetime import date

from sqlalchemy import select

from qms_tui.db.models import Nonconformity
from qms_tui.services import breaches, notifications, records, trail
from qms_tui.services import indicators as ind_service
from qms_tui.services import nonconformities as ncs
from qms_tui.services.importer import import_measurements

TODAY = date(2025, 12, 15)


def _indicator(db, actor, **rules) -> str:
    data = {"name": "Paquetes entregados en tiempo", "unit": "%", "direction": "higher", "target": 95,
            "frequency": "monthly", "process": "PR-05", "rule_red": False, **rules}
    with db.write() as s:
        return records.create(s, actor, "indicator", data).code


def _measure(db, actor, code, period, value, replace=False):
    return ind_service.record_measurement(db, actor, code, period, value, replace=replace, today=TODAY)


def _drafts(db) -> list[tuple[str, str, str, int | None]]:
    with db.read() as s:
        rows = s.execute(select(Nonconformity.breach_key, Nonconformity.status, Nonconformity.source,
                                Nonconformity.owner_id).order_by(Nonconformity.id)).all()
    return [tuple(r) for r in rows]


def _verified(db) -> None:
    with db.read() as s:
        assert trail.verify(s) == []


def test_a_red_result_raises_one_draft_for_the_process_owner(db, people):
    owner = people["owner"]
    code = _indicator(db, people["coord"], rule_red=True)
    _measure(db, owner, code, "2025-09", 97)  # green
    _measure(db, owner, code, "2025-10", 90)  # yellow
    assert _drafts(db) == []
    m = _measure(db, owner, code, "2025-11", 70)  # red (70 / 95 = 74 % < 80 %)
    assert _drafts(db) == [(f"red:{code}:2025-11", "draft", "indicator", owner.person_id)]
    _measure(db, owner, code, "2025-11", 60, replace=True)  # still red: the same breach
    _measure(db, owner, code, "2025-11", 65, replace=True)
    assert len(_drafts(db)) == 1
    with db.read() as s:
        nc = s.execute(select(Nonconformity)).scalar_one()
        assert nc.measurement_id == m.id and nc.title == f"Indicator {code} off target in 2025-11"
        assert "red result" in nc.description and "target is 95" in nc.description
        nc_code = nc.code
    page = notifications.inbox(db, "owner")
    assert [(n.kind, n.record_code) for n in page.rows] == [("nc_draft", nc_code)]
    assert ncs.accept_draft(db, owner, nc_code).status == "registered"
    _verified(db)


def test_rules_switched_off_raise_nothing(db, people):
    code = _indicator(db, people["coord"])
    for period, value in (("2025-08", 50), ("2025-09", 40), ("2025-10", 30)):
        _measure(db, people["owner"], code, period, value)
    assert _drafts(db) == []


def test_yellow_runs_raise_when_they_reach_n(db, people):
    owner = people["owner"]
    code = _indicator(db, people["coord"], rule_yellow_run=3)
    for period, value in (("2025-01", 90), ("2025-02", 85), ("2025-03", 88)):
        _measure(db, owner, code, period, value)
    assert [d[0] for d in _drafts(db)] == [f"yellow3:{code}:2025-03"]
    _measure(db, owner, code, "2025-04", 86)  # the run goes on: the same breach
    _measure(db, owner, code, "2025-05", 99)  # green breaks it
    for period in ("2025-06", "2025-07", "2025-08"):
        _measure(db, owner, code, period, 91)
    drafts = _drafts(db)
    assert [d[0] for d in drafts] == [f"yellow3:{code}:2025-03", f"yellow3:{code}:2025-08"]
    with db.read() as s:
        title = s.execute(select(Nonconformity.title).order_by(Nonconformity.id.desc()).limit(1)).scalar()
    assert title == f"Indicator {code} at risk for 3 periods in a row up to 2025-08"
    _verified(db)


def test_worsening_trends_raise_when_they_reach_m(db, people):
    owner = people["owner"]
    code = _indicator(db, people["coord"], rule_trend_run=3, rule_red=True, direction="lower", target=10)
    for period, value in (("2025-01", 6), ("2025-02", 7), ("2025-03", 8)):
        _measure(db, owner, code, period, value)
    assert _drafts(db) == []  # two worse periods only
    _measure(db, owner, code, "2025-04", 9)
    _measure(db, owner, code, "2025-05", 9.5)  # four in a row: the same trend
    assert [d[0] for d in _drafts(db)] == [f"trend3:{code}:2025-04"]
    for period, value in (("2025-06", 5), ("2025-07", 6), ("2025-08", 8), ("2025-09", 30)):
        _measure(db, owner, code, period, value)  # the third worse period is also red: one draft
    drafts = _drafts(db)
    assert [d[0] for d in drafts] == [f"trend3:{code}:2025-04", f"red:{code}:2025-09"]
    with db.read() as s:
        text = s.execute(select(Nonconformity.description).order_by(Nonconformity.id.desc()).limit(1)).scalar()
    assert "red result; 3 periods in a row worse than the one before" in text
    _verified(db)


def test_importing_a_red_measurement_twice_raises_one_draft(db, people, tmp_path):
    coord = people["coord"]
    code = _indicator(db, coord, rule_red=True)
    path = tmp_path / "mediciones.csv"
    path.write_text(f"indicator,period,value\n{code},2025-10,97\n{code},2025-11,50\n", encoding="utf-8")
    report = import_measurements(db, coord, path, today=TODAY)
    assert report.rows == 2
    assert [d[0] for d in _drafts(db)] == [f"red:{code}:2025-11"]
    path.write_text(f"indicator,period,value\n{code},2025-11,45\n", encoding="utf-8")
    import_measurements(db, coord, path, replace=True, today=TODAY)
    assert len(_drafts(db)) == 1
    _verified(db)


def test_paused_and_direct_evaluation(db, people):
    owner = people["owner"]
    code = _indicator(db, people["coord"], rule_red=True)
    with breaches.paused():
        m = _measure(db, owner, code, "2025-11", 10)
    assert _drafts(db) == []
    with db.write() as s:
        raised = breaches.evaluate(s, owner, [m.id])
        assert [nc.breach_key for nc in raised] == [f"red:{code}:2025-11"]
        assert breaches.evaluate(s, owner, [m.id]) == []


def test_the_quick_red_filter_never_hides_a_red_value():
    import random
    from types import SimpleNamespace

    from qms_tui.services.indicators import light_of

    rng = random.Random(10)
    for direction in ("higher", "lower", "band"):
        for target, green, yellow in ((95, None, None), (36, 100, 80), (99.5, 100, 99), (0.5, 90, 60)):
            ind = SimpleNamespace(rule_red=True, target=target, direction=direction, green_from=green,
                                  yellow_from=yellow, band_low=95, band_high=105, band_tolerance=5)
            maybe = breaches._maybe_red(ind)
            values = [rng.uniform(-5, 3 * target) for _ in range(3000)] + [0, target, target * 0.8, target * 1.25]
            for v in values:
                if light_of(ind, v) == "red":
                    assert maybe(v), (direction, target, v)
