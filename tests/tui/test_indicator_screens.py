"""The indicator screen: ficha, status, trend chart, measurements; record, replace, raise."""

from __future__ import annotations

from qms_tui.screens.dialogs.confirm import ConfirmDialog
from qms_tui.screens.dialogs.transition import StepDialog
from qms_tui.screens.indicator import IndicatorScreen, reference_lines
from qms_tui.screens.nonconformity import NonconformityScreen
from qms_tui.services import nonconformities
from qms_tui.services.indicators import measurements_page
from qms_tui.services.search import list_records
from qms_tui.widgets.paged_table import PagedTable
from qms_tui.widgets.trend_chart import ChartLine, ChartPoint, TrendChart
from tui.conftest import make_app, settle, type_text

SIZE = (120, 40)


async def _open(pilot, code: str) -> IndicatorScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    pilot.app.open_record("indicator", code)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, IndicatorScreen)
    return screen


def _values(db, code: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {m.period: m.value for m in measurements_page(db, indicator=code).rows}


async def test_ficha_status_and_chart(tui_db, spanish):
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "IND-001")
        ficha = screen.query_one("#ind-ficha")
        assert "✔ on target" in str(screen.query_one("#ind-badge").render())
        figures = screen.query_one("#ind-figures").render().plain
        assert "2025-05 = 99.1 %" in figures and "Trend: → stable" in figures
        chart = screen.query_one(TrendChart).chart_text(100).plain
        for period in ("2025-03", "2025-05"):
            assert period in chart
        assert "── target 98 %" in chart and "✔ on target" in chart
        assert screen.query_one(PagedTable).total == 3
        assert ficha.region.height > 3


async def test_record_then_replace_a_measurement_after_confirming(tui_db, spanish):
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "IND-002")
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StepDialog)
        assert dialog.query_one("#field-period").value == "2025-05"  # the last period that ended
        await pilot.press("tab")
        await type_text(pilot, "82")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # 2025-05 already has 80
        assert "80" in app.screen.question and "82" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is dialog and _values(tui_db, "IND-002") == {"2025-05": 80.0}
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, IndicatorScreen)
    assert _values(tui_db, "IND-002") == {"2025-05": 82.0}


async def test_a_bad_period_is_named_next_to_the_field(tui_db, spanish):
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "IND-002")
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "2025-Q2")  # a quarter for a monthly indicator
        await pilot.press("tab")
        await type_text(pilot, "90")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert app.screen.query_one("#row-period").has_class("-invalid")
        assert app.screen.query_one("#field-value").value == "90"
    assert _values(tui_db, "IND-002") == {"2025-05": 80.0}


async def test_raise_a_nonconformity_from_a_red_measurement(tui_db, spanish):
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "IND-002")
        offered = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert "raise_nc" not in offered  # nothing red yet
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "2025-06")
        await pilot.press("tab")
        await type_text(pilot, "50")
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = screen.query_one(PagedTable)
        assert "✖ off target" in str(table.table.get_row_at(0)[2])
        table.focus_rows()
        table.table.move_cursor(row=0)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, NonconformityScreen)
        code = app.screen.code
        detail = nonconformities.nc_detail(tui_db, code)
        assert detail.nc.source == "indicator" and detail.measurement.period == "2025-06"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")  # again: the existing one opens, no second NC
        await settle(pilot)
        assert isinstance(app.screen, NonconformityScreen) and app.screen.code == code
    assert list_records(tui_db, "nonconformity", where={"source": "indicator"}).total == 1


def test_reference_lines_in_the_indicator_units():
    class Ind:
        unit, direction, target, green_from, yellow_from = "%", "higher", 90.0, None, None
        band_low = band_high = band_tolerance = None

    lines = reference_lines(Ind)
    assert [(line.kind, round(line.value, 2)) for line in lines] == [("target", 90.0), ("yellow", 72.0)]
    Ind.direction, Ind.target = "lower", 5.0
    assert [(line.kind, round(line.value, 2)) for line in reference_lines(Ind)] == [("target", 5.0), ("yellow", 6.25)]


def test_trend_chart_draws_bars_lines_symbols_and_a_legend_in_words():
    points = [ChartPoint("2025-01", 50, "red"), ChartPoint("2025-02", 90, "yellow"), ChartPoint("2025-03", 100, "green")]
    chart = TrendChart(points, [ChartLine(98, "target", "target 98 %"), ChartLine(80, "yellow", "at risk from 80")])
    text = chart.chart_text(60).plain
    lines = text.splitlines()
    assert any("█" in line for line in lines)
    assert any("─" in line for line in lines) and any("┈" in line for line in lines)
    symbols = next(line for line in lines if "└" in line)
    assert symbols.split("└")[1].split() == ["✖", "▲", "✔"]
    assert "2025-01" in text and "2025-03" in text
    assert "── target 98 %" in text and "┈┈ at risk from 80" in text and "✖ off target" in text
    assert max(len(line) for line in lines) <= 60
    assert "No measurements" in TrendChart().chart_text(60).plain
