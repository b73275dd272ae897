"""Lists: keystroke to repaint while filtering the measurement list (the generic record list)
and the audit trail, driven with Textual's Pilot on a headless app; the first page; the
services underneath; the query plans; peak memory.

    .venv/bin/python bench/lists.py --db bench/data/qms-x100-….db [--plans FILE] [--json]
    .venv/bin/python bench/lists.py --baseline [--json]     (Textual alone, the same keys)

Keystroke latency is taken from just before the key is sent to the moment the screen is
painted with the page for the new text (the app's compositor hands its update to the
driver; headless, nothing is written to a terminal). Keys are typed one at a time, each
after the previous repaint and a short pause (a quick typist's pace).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: What is typed (lower case: the filters ignore case), chosen to exist at every scale.
MEASUREMENT_TYPING = ("2024-03", "med-000123")
TRAIL_TYPING = ("ovargas", "nc-2025-001", "ind-010 2024")
PAUSE = 0.08  # seconds between a repaint and the next key


def peak_rss_mib() -> float:
    """Peak resident memory of this process (VmHWM), MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PaintClock:
    """Times the compositor's updates: ``await next_paint(after)`` returns the moment of the
    first paint that happened after ``after``."""

    def __init__(self, app: Any) -> None:
        self.last = 0.0
        self.event = asyncio.Event()
        display = app._display

        def timed(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.last = time.perf_counter()
                self.event.set()

        app._display = timed

    async def next_paint(self, after: float, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while self.last <= after:
            self.event.clear()
            try:
                await asyncio.wait_for(self.event.wait(), timeout=max(0.0, deadline - time.perf_counter()))
            except TimeoutError:
                raise RuntimeError("no paint") from None
        return self.last


async def _until(predicate: Any, timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise RuntimeError("timed out")
        await asyncio.sleep(0.0005)


def _settled(paged: Any, text: str) -> bool:
    return paged.text == text and not paged._in_flight and paged.total is not None


def _stamp_pages() -> None:
    """Note when each PagedTable has put a page on screen (it then updates its status line)."""
    from qms_tui.widgets.paged_table import PagedTable

    update = PagedTable._update_status

    def stamped(self: Any) -> None:
        update(self)
        self.bench_shown_at = time.perf_counter()

    PagedTable._update_status = stamped  # type: ignore[method-assign]


async def _open(pilot: Any, clock: PaintClock, open_screen: Any) -> tuple[Any, float]:
    from qms_tui.widgets.paged_table import PagedTable

    app = pilot.app
    t0 = time.perf_counter()
    open_screen()
    await _until(lambda: bool(app.screen.query(PagedTable)) and _settled(app.screen.query_one(PagedTable), ""))
    paged = app.screen.query_one(PagedTable)
    painted = await clock.next_paint(paged.bench_shown_at)
    return paged, painted - t0


def _send_key(app: Any, ch: str) -> None:
    from textual import events
    from textual.keys import _character_to_key

    key = ch if ch.isalnum() else _character_to_key(ch)
    app._driver.send_message(events.Key(key, ch))


async def _type(pilot: Any, clock: PaintClock, paged: Any, text: str) -> list[float]:
    """Type ``text`` into the (empty) filter; seconds from each key to its repaint."""
    paged.action_focus_filter()
    await pilot.pause()
    times = []
    for i, ch in enumerate(text):
        t0 = time.perf_counter()
        _send_key(pilot.app, ch)  # as the driver does when the terminal sends a key
        await _until(lambda n=i: _settled(paged, text[:n + 1]))
        painted = await clock.next_paint(paged.bench_shown_at)
        times.append(painted - t0)
        await asyncio.sleep(PAUSE)
    # clear the filter for the next word
    paged.filter_input.value = ""
    await _until(lambda: _settled(paged, ""))
    return times


async def tui(db_path: Path, today: date) -> dict[str, Any]:
    from qms_tui.app import QmsApp
    from qms_tui.db.session import Database
    from qms_tui.screens.trail import TrailScreen

    _stamp_pages()
    db = Database(f"sqlite:///{db_path}")
    app = QmsApp(db=db, lang="es", login="lhernandez", today=today)
    out: dict[str, Any] = {}
    async with app.run_test(size=(140, 45)) as pilot:
        clock = PaintClock(app)
        await _until(lambda: getattr(app.screen, "data", None) is not None)  # the dashboard
        await pilot.pause()
        paged, opened = await _open(pilot, clock, lambda: app.open_list("measurement"))
        keys = [t for word in MEASUREMENT_TYPING for t in await _type(pilot, clock, paged, word)]
        out["measurement"] = {"open": opened, "keys": keys, "rows": paged.total}
        paged, opened = await _open(pilot, clock, lambda: app.push_screen(TrailScreen()))
        keys = [t for word in TRAIL_TYPING for t in await _type(pilot, clock, paged, word)]
        out["trail"] = {"open": opened, "keys": keys, "rows": paged.total}
    db.dispose()
    return out


# ---------------------------------------------------------------- the same-run baseline


async def baseline() -> dict[str, Any]:
    """Textual alone: the same keys typed into an Input above Textual's own DataTable, each
    key replacing the table's 100 rows with another page held in memory (no database, no
    worker thread) — what a keystroke costs in Textual before our list adds anything."""
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header, Input, Static

    rows = [(f"MED-{i:06d}", (f"MED-{i:06d}", f"IND-{i % 1200:03d}", f"2024-{i % 12 + 1:02d}",
                              f"{90 + i % 10}.50", "capturado por la DD 01", f"2025-01-{i % 28 + 1:02d}"))
            for i in range(400)]

    class Baseline(App[None]):
        shown_at = 0.0

        def compose(self) -> ComposeResult:
            yield Header()
            yield Input(compact=True)
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static("", id="status")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for name in ("Código", "Indicador", "Periodo", "Valor", "Nota", "Registrada"):
                table.add_column(name, key=name)
            self.fill("")

        def on_input_changed(self, event: Input.Changed) -> None:
            self.fill(event.value)

        def fill(self, text: str) -> None:
            table = self.query_one(DataTable)
            table.clear()
            start = len(text) * 7 % 300
            for code, cells in rows[start:start + 100]:
                table.add_row(*(Text(c) for c in cells), key=code)
            self.query_one("#status", Static).update(f"filas {start + 1}–{start + 100} · “{text}”")
            self.shown_at = time.perf_counter()

    app = Baseline()
    times: list[float] = []
    async with app.run_test(size=(140, 45)) as pilot:
        clock = PaintClock(app)
        await pilot.pause()
        box = app.query_one(Input)
        for word in MEASUREMENT_TYPING + TRAIL_TYPING:
            box.focus()
            await pilot.pause()
            for ch in word:
                t0 = time.perf_counter()
                _send_key(app, ch)
                await _until(lambda t0=t0: app.shown_at > t0)
                times.append(await clock.next_paint(app.shown_at) - t0)
                await asyncio.sleep(PAUSE)
            box.value = ""
            await pilot.pause()
    return {"keys": times}


# ---------------------------------------------------------------- services and plans


def services(db_path: Path, plans: Path | None) -> dict[str, Any]:
    """Median ms of the list services for each prefix typed, and the plans of their SQL."""
    from sqlalchemy import event

    from qms_tui.db.session import Database
    from qms_tui.services import records
    from qms_tui.services.indicators import measurements_page
    from qms_tui.services.search import list_records
    from qms_tui.services.trail import trail_page
    from qms_tui.widgets.paged_table import COUNT_CAP

    db = Database(f"sqlite:///{db_path}")
    seen: dict[str, Any] = {}

    @event.listens_for(db.engine, "before_cursor_execute")
    def _capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.setdefault(statement, parameters)

    def cap(text: str) -> int | None:
        return COUNT_CAP if text else None

    calls = {
        "search.list_records(measurement)": [
            (w[:n], lambda t: list_records(db, "measurement", text=t, limit=100, count_cap=cap(t)))
            for w in MEASUREMENT_TYPING for n in range(len(w) + 1)],
        "records.list_page(measurement)": [
            (w[:n], lambda t: _in_session(db, records.list_page, "measurement", text=t, limit=100, count_cap=cap(t)))
            for w in MEASUREMENT_TYPING for n in range(len(w) + 1)],
        "indicators.measurements_page": [
            (w[:n], lambda t: measurements_page(db, text=t, limit=100, count_cap=cap(t)))
            for w in MEASUREMENT_TYPING for n in range(len(w) + 1)],
        "trail.trail_page": [
            (w[:n], lambda t: trail_page(db, text=t, limit=100, count_cap=cap(t)))
            for w in TRAIL_TYPING for n in range(len(w) + 1)],
    }
    out: dict[str, Any] = {}
    for name, runs in calls.items():
        per_text = []
        for text, call in runs:
            call(text)
            xs = []
            for _ in range(3):
                t0 = time.perf_counter()
                call(text)
                xs.append(time.perf_counter() - t0)
            per_text.append(statistics.median(xs))
        out[name] = {"median": statistics.median(per_text), "max": max(per_text)}
    if plans is not None:
        _write_plans(db_path, seen, plans)
    db.dispose()
    return out


def _in_session(db: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with db.read() as s:
        return fn(s, *args, **kwargs)


def _write_plans(db_path: Path, statements: dict[str, Any], out: Path) -> None:
    import sqlite3

    con = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    lines = []
    for sql, params in statements.items():
        try:
            plan = con.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        except sqlite3.Error as exc:
            plan = [(0, 0, 0, f"(cannot explain: {exc})")]
        lines.append(" ".join(sql.split()))
        lines.extend(f"    {row[3]}" for row in plan)
        lines.append("")
    con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--today", type=date.fromisoformat, default=date.today())
    ap.add_argument("--plans", type=Path, default=None, help="write the EXPLAIN QUERY PLAN of each SELECT here")
    ap.add_argument("--no-services", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--baseline", action="store_true", help="only the same-run baseline (Textual alone)")
    args = ap.parse_args()
    if args.baseline:
        result = asyncio.run(baseline())
        result["peak_rss_mib"] = peak_rss_mib()
        if args.json:
            print(json.dumps(result))
        else:
            print(f"Textual alone: keystroke median {statistics.median(result['keys']) * 1000:.0f} ms "
                  f"({len(result['keys'])} keys); peak RSS {result['peak_rss_mib']:.0f} MiB")
        return
    if args.db is None:
        ap.error("--db is required (or --baseline)")
    result: dict[str, Any] = {"tui": asyncio.run(tui(args.db, args.today))}
    result["peak_rss_mib"] = peak_rss_mib()
    if not args.no_services:
        result["services"] = services(args.db, args.plans)
    if args.json:
        print(json.dumps(result))
        return
    for name in ("measurement", "trail"):
        r = result["tui"][name]
        keys = sorted(r["keys"])
        print(f"{name}: open {r['open'] * 1000:.0f} ms; keystroke median {statistics.median(keys) * 1000:.0f} ms, "
              f"p95 {keys[int(0.95 * (len(keys) - 1))] * 1000:.0f} ms, max {keys[-1] * 1000:.0f} ms "
              f"({len(keys)} keys; {r['rows']:,} rows)")
    print(f"peak RSS {result['peak_rss_mib']:.0f} MiB")
    for name, r in result.get("services", {}).items():
        print(f"  {name}: median {r['median'] * 1000:.1f} ms, max {r['max'] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
