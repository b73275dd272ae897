"""Dashboard queries: the time of ``services.dashboard.dashboard`` (everything the home screen
reads: policy, objectives with every indicator's light, open nonconformities by age and
severity, overdue measurements, agenda, projects) on one database, in a fresh process.

    .venv/bin/python bench/dashboard_bench.py --db bench/data/qms-x100-….db [--repeat 9] [--json]

The first call (cold caches, SQLAlchemy compiling its statements) is reported apart; the
figure is the median of the following calls. Also counts the SQL statements of one call.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def measure(db_path: Path, today: date, repeat: int = 9) -> dict[str, Any]:
    from sqlalchemy import event

    from qms_tui.db.session import Database
    from qms_tui.services.dashboard import dashboard

    db = Database(f"sqlite:///{db_path}")
    statements = [0]

    @event.listens_for(db.engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        statements[0] += 1

    t0 = time.perf_counter()
    data = dashboard(db, today=today)
    first = time.perf_counter() - t0
    per_call = statements[0]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        dashboard(db, today=today)
        times.append(time.perf_counter() - t0)
    db.dispose()
    indicators = sum(len(c.indicators) for c in data.objectives) + len(data.unlinked)
    return {"median": statistics.median(times), "min": min(times), "first": first,
            "statements": per_call, "indicators": indicators, "nc_open": data.nc_open_total}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--today", type=date.fromisoformat, default=date.today())
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = measure(args.db, args.today, args.repeat)
    if args.json:
        print(json.dumps(r))
        return
    print(f"dashboard: median {r['median'] * 1000:.1f} ms (min {r['min'] * 1000:.1f}, first call "
          f"{r['first'] * 1000:.1f} ms); {r['statements']} statements; {r['indicators']:,} indicators, "
          f"{r['nc_open']:,} open nonconformities")


if __name__ == "__main__":
    main()
