"""How long ``qms import measurements`` takes for 100,000 rows, against a plain ``sqlite3``
``executemany`` of the same measurement rows into the same (copied) database.

Not a test: run it by hand and read the ratio (the acceptance bound is 3x).

    .venv/bin/python bench/import_bench.py            # 100,000 rows
    .venv/bin/python bench/import_bench.py --rows 20000 --repeat 3

Both sides start from a copy of one database (schema, catalogue, 500 monthly indicators).
The baseline inserts the rows the import writes to ``measurement`` (prepared beforehand;
timed: executemany + commit). The import is timed from the file name to the commit:
reading the CSV, checking every row, the bulk insert of the measurements and of their
hash-chained trail events.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qms_tui.db.session import Database  # noqa: E402
from qms_tui.domain.actor import Actor  # noqa: E402
from qms_tui.domain.enums import Role  # noqa: E402
from qms_tui.domain.periods import month_period  # noqa: E402
from qms_tui.services import records  # noqa: E402
from qms_tui.services.importer import import_measurements  # noqa: E402
from qms_tui.services.setup import init_database  # noqa: E402

ACTOR = Actor(login="coord", role=Role.COORDINATOR, name="Coordinación de Calidad")
INDICATORS = 500
TODAY = date(2025, 6, 16)


def make_base(folder: Path) -> Path:
    path = folder / "base.db"
    db = Database(f"sqlite:///{path}")
    init_database(db)
    with db.write() as s:
        records.create(s, ACTOR, "person", {"code": "coord", "name": "Coordinación", "role": "coordinator"})
        for i in range(INDICATORS):
            records.create(s, ACTOR, "indicator", {"name": f"Indicador {i + 1}", "unit": "%",
                                                   "direction": "higher", "target": "95", "frequency": "monthly"})
    db.dispose()
    return path


def make_rows(n: int) -> list[tuple[str, str, float, str]]:
    per = -(-n // INDICATORS)
    rows = []
    for i in range(n):
        ind, k = i % INDICATORS, i // INDICATORS
        year, month = 2025 - 1 - k // 12, 12 - k % 12
        if per > 12 * 60:
            raise SystemExit("too many rows per indicator for the generator")
        note = f"capturado por la DD {ind % 33 + 1:02d}" if i % 10 == 0 else ""
        rows.append((f"IND-{ind + 1:03d}", f"{year:04d}-{month:02d}", round(80 + (i * 7919 % 2000) / 100, 2), note))
    return rows


def write_csv(path: Path, rows: list[tuple[str, str, float, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["indicator", "period", "value", "note"])
        w.writerows(rows)


def copy_db(base: Path, to: Path) -> Path:
    shutil.copy(base, to)
    return to


def baseline(db_path: Path, rows: list[tuple[str, str, float, str]]) -> float:
    con = sqlite3.connect(db_path)
    ids = {code: rid for rid, code in con.execute("SELECT id, code FROM indicator")}
    start_id = (con.execute("SELECT max(id) FROM measurement").fetchone()[0] or 0) + 1
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    prepared = []
    for i, (code, label, value, note) in enumerate(rows):
        p = month_period(int(label[:4]), int(label[5:]))
        prepared.append((start_id + i, f"MED-{start_id + i:06d}", 1, now, now, ids[code], label,
                         p.start.isoformat(), p.end.isoformat(), value, note or None, None, None, now))
    sql = ("INSERT INTO measurement (id, code, version, created_at, updated_at, indicator_id, period, "
           "period_start, period_end, value, note, evidence_id, recorded_by_id, recorded_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    t = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(sql, prepared)
    con.commit()
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def floor(base: Path, imported: Path, to: Path) -> float:
    """A plain sqlite3 executemany of everything the import wrote: its measurement rows AND
    their trail events (read back from an imported copy), into a fresh copy."""
    src = sqlite3.connect(imported)
    seq0 = sqlite3.connect(base).execute("SELECT coalesce(max(seq), 0) FROM trail_event").fetchone()[0]
    m_rows = src.execute("SELECT * FROM measurement ORDER BY id").fetchall()
    e_rows = src.execute("SELECT * FROM trail_event WHERE seq > ? ORDER BY seq", (seq0,)).fetchall()
    src.close()
    con = sqlite3.connect(copy_db(base, to))
    t = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(f"INSERT INTO measurement VALUES ({', '.join('?' * len(m_rows[0]))})", m_rows)
    con.executemany(f"INSERT INTO trail_event VALUES ({', '.join('?' * len(e_rows[0]))})", e_rows)
    con.commit()
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def run_import(db_path: Path, csv_path: Path) -> float:
    db = Database(f"sqlite:///{db_path}")
    with db.read():
        pass  # connect before timing (the CLI has done so too by then)
    t = time.perf_counter()
    report = import_measurements(db, ACTOR, csv_path, today=TODAY)
    elapsed = time.perf_counter() - t
    db.dispose()
    assert report.new == report.rows, report
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side; the medians are compared")
    ap.add_argument("--verify", action="store_true", help="also check the trail after the last import")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="qms-bench-") as tmp:
        folder = Path(tmp)
        base = make_base(folder)
        rows = make_rows(args.rows)
        csv_path = folder / "measurements.csv"
        write_csv(csv_path, rows)
        plain, imported, raw_all = [], [], []
        for i in range(args.repeat):
            plain.append(baseline(copy_db(base, folder / f"plain{i}.db"), rows))
            imported.append(run_import(copy_db(base, folder / f"import{i}.db"), csv_path))
            raw_all.append(floor(base, folder / f"import{i}.db", folder / f"floor{i}.db"))
        if args.verify:
            from qms_tui.services import trail

            db = Database(f"sqlite:///{folder / f'import{args.repeat - 1}.db'}")
            with db.read() as s:
                problems = trail.verify(s)
            db.dispose()
            print(f"trail verify: {len(problems)} problems")
        a, b = statistics.median(plain), statistics.median(imported)
        print(f"rows: {args.rows:,}")
        print(f"sqlite3 executemany: {a:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in plain)})")
        print(f"qms import:          {b:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in imported)})")
        print(f"ratio: {b / a:.2f}x (bound: 3x)")
        c = statistics.median(raw_all)
        print(f"for reference, sqlite3 executemany of the measurements AND their trail events: {c:.3f} s "
              f"({c / a:.2f}x the baseline; the import is {b / c:.2f}x that)")


if __name__ == "__main__":
    main()
