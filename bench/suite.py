#!/usr/bin/env python
"""The benchmark suite behind ``bench/run`` (issue 8): generates (or reuses) the synthetic
institutes, runs the five benchmarks, each against a baseline measured in the same run, and
prints one table: figure, ours, baseline, ratio, goal, met?

    bench/run                      # N = 1, 10, 100 (generating x100 takes about 30 s)
    bench/run --quick              # N = 1 and 2, fewer rows and repeats: a 1–2 minute smoke test
    bench/run --scale 1 10 --only dashboard,lists

The machine is noisy (two cores shared with other work): only ratios against the same-run
baselines travel. Progress goes to stderr, the table to stdout; the results are also
written as JSON (``--json``, default ``bench/data/last-run.json``). Exit status: 0 when
every benchmark ran (goals missed or not; ``--strict`` makes a missed goal exit 1), 1 when
a benchmark failed, 2 for bad usage.

What each figure is (details in each script's docstring):

1. start-up (``startup.py``): launch of ``python -m qms_tui --db FILE`` to the dashboard's
   first paint, and to its paint with the data, on the largest database; baseline: a
   minimal Textual app (header, footer, a table), same driver, alternated runs.
2. lists (``lists.py``): keystroke to repaint while filtering the measurement list and the
   audit trail (Pilot, headless) on the largest database; baseline: the same keys in Textual
   alone (an Input over a DataTable refilled from memory). The first page and the peak memory
   on the largest database against the smallest.
3. evidence PDF (``pdf_bench.py``): the whole ``qms report evidence`` against WeasyPrint
   alone rendering the same HTML in one piece: time, pages/s, peak memory of the process tree.
4. import (``import_bench.py``, owned by the importer's engineer): ``qms import measurements``
   of 100,000 rows against ``sqlite3`` ``executemany`` of the same rows (its printed output
   is parsed).
5. dashboard queries (``dashboard_bench.py``): ``services.dashboard.dashboard`` at each N
   against the smallest N; "sub-linear" is read as growing at most like √N.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
for p in (str(BENCH), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

BENCHMARKS = ("startup", "dashboard", "lists", "import", "pdf")
SEED = 2025

# goals (issue 8)
STARTUP_GOAL = 1.5  # x the minimal app
KEY_GOAL_MS = 50.0  # median keystroke to repaint
FIRST_PAGE_FLAT = 2.0  # first page at the largest N against the smallest
MEMORY_FLAT = 1.25  # peak RSS of the lists at the largest N against the smallest
PDF_GOAL = 0.7  # x WeasyPrint alone
PDF_MEMORY_FLAT = 1.5  # peak RSS at the most pages against the fewest
IMPORT_GOAL = 3.0  # x sqlite3 executemany


@dataclass
class Row:
    figure: str
    ours: str
    base: str
    ratio: float | None
    goal: str
    met: bool | None  # None: for information (no goal) or not measured
    note: str = ""


@dataclass
class Settings:
    scales: list[int]
    startup_repeat: int
    import_rows: int
    import_repeat: int
    pdf_scales: list[int]
    dashboard_repeat: int
    quick: bool

    @property
    def big(self) -> int:
        return max(self.scales)

    @property
    def small(self) -> int:
        return min(self.scales)


@dataclass
class Run:
    settings: Settings
    today: date
    data: Path
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    dbs: dict[int, Path] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- helpers


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # an installed package has its .pyc files; without them every launch compiles qms_tui again
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _json_of(argv: list[str], timeout: float) -> dict[str, Any]:
    """Run a bench script in a fresh process and read the JSON of its last stdout line."""
    proc = subprocess.run([sys.executable, *argv], cwd=ROOT, env=_env(), capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.strip()[-1500:]}")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1])


def _median(xs: list[float]) -> float:
    import statistics

    return statistics.median(xs)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:,.0f} s"


def _guard(run: Run, name: str, figure: str, fn: Callable[[], None]) -> None:
    started = time.perf_counter()
    log(f"{name}…")
    try:
        fn()
    except Exception as exc:  # one broken benchmark must not hide the others
        detail = " ".join(str(exc).split())[:300]
        run.errors.append(f"{name}: {type(exc).__name__}: {detail}")
        run.rows.append(Row(figure, "error", "", None, "", False, f"{type(exc).__name__}: {detail}"))
        if os.environ.get("QMS_DEBUG"):
            traceback.print_exc()
    log(f"{name} done in {time.perf_counter() - started:.0f} s")


# ---------------------------------------------------------------- databases


def _generator(data: Path) -> Any:
    import generate

    generate.DATA = data
    return generate


def prepare(run: Run) -> None:
    gen = _generator(run.data)
    run.data.mkdir(parents=True, exist_ok=True)
    wanted = sorted(set(run.settings.scales) | set(run.settings.pdf_scales))
    for scale in wanted:
        path = gen.default_path(scale, SEED, run.today)
        if path.exists():
            log(f"x{scale}: reusing {path.name}")
        else:
            log(f"x{scale}: generating {path.name}")
            summary = gen.generate(path, scale, seed=SEED, today=run.today, progress=False)
            log(summary.line())
        run.dbs[scale] = path
    _prune(run, gen)
    if hasattr(os, "sync"):
        os.sync()  # the generated databases' writeback must not land in the first timings


def _prune(run: Run, gen: Any) -> None:
    """Remove cached databases of other days, schemas or generator versions."""
    keep = {p.name for p in run.dbs.values()} | {gen.demo_base(run.today).name}
    current = f"-{run.today.isoformat()}-r{gen._schema()}-g{gen.GENERATOR_VERSION}.db"
    for path in run.data.glob("*.db"):
        if path.name in keep or not re.match(r"(qms-x\d+-s\d+|demo)-\d{4}-\d\d-\d\d-r.+-g\d+\.db$", path.name):
            continue
        if not path.name.endswith(current):
            log(f"removing the stale {path.name}")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


# ---------------------------------------------------------------- 1. start-up


def bench_startup(run: Run) -> None:
    import startup

    big = run.settings.big
    env_saved = os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # startup._env copies os.environ
    try:
        r = startup.measure(run.dbs[big], run.settings.startup_repeat)
    finally:
        if env_saved is not None:
            os.environ["PYTHONDONTWRITEBYTECODE"] = env_saved
    run.raw["startup"] = r
    ratio = r["first"] / r["base"]
    run.rows.append(Row(f"start-up: first paint of the dashboard (x{big})", _s(r["first"]), _s(r["base"]),
                        ratio, f"≤ {STARTUP_GOAL}×", ratio <= STARTUP_GOAL,
                        "baseline: minimal Textual app (header, table, footer)"))
    run.rows.append(Row(f"start-up: dashboard painted with its data (x{big})", _s(r["data"]), _s(r["base"]),
                        r["data"] / r["base"], "(info)", None))


# ---------------------------------------------------------------- 2. lists


def bench_lists(run: Run) -> None:
    s = run.settings
    base = _json_of(["bench/lists.py", "--baseline", "--json"], timeout=600)
    per_scale = {}
    for scale in sorted(set(s.scales)):
        log(f"lists x{scale}")
        per_scale[scale] = _json_of(["bench/lists.py", "--db", str(run.dbs[scale]), "--today",
                                     run.today.isoformat(), "--json", "--no-services"], timeout=1200)
    run.raw["lists"] = {"baseline": base, "scales": per_scale}
    big, small = per_scale[s.big], per_scale[s.small]
    base_key = _median(base["keys"])
    for name, label in (("measurement", "measurements"), ("trail", "trail events")):
        keys = _median(big["tui"][name]["keys"])
        rows_n = big["tui"][name]["rows"] or 0
        run.rows.append(Row(f"lists: keystroke→repaint median, {label} (x{s.big}: {rows_n:,})", _ms(keys),
                            _ms(base_key), keys / base_key, f"≤ {KEY_GOAL_MS:.0f} ms", keys * 1000 <= KEY_GOAL_MS,
                            "baseline: the same keys in Textual alone (DataTable refilled from memory)"))
    for name, label in (("measurement", "measurements"), ("trail", "trail events")):
        o_big, o_small = big["tui"][name]["open"], small["tui"][name]["open"]
        ratio = o_big / o_small
        run.rows.append(Row(f"lists: first page painted, {label}, x{s.big} vs x{s.small}", _ms(o_big),
                            _ms(o_small), ratio, f"flat (≤ {FIRST_PAGE_FLAT}×)", ratio <= FIRST_PAGE_FLAT))
    m_big, m_small = big["peak_rss_mib"], small["peak_rss_mib"]
    ratio = m_big / m_small
    run.rows.append(Row(f"lists: peak memory, x{s.big} vs x{s.small}", f"{m_big:.0f} MiB", f"{m_small:.0f} MiB",
                        ratio, f"flat (≤ {MEMORY_FLAT}×)", ratio <= MEMORY_FLAT))


# ---------------------------------------------------------------- 3. evidence PDF


def bench_pdf(run: Run) -> None:
    import pdf_bench

    why = pdf_bench.available()
    if why:
        run.rows.append(Row("evidence PDF", "n/a", "n/a", None, f"≤ {PDF_GOAL}×", None, f"not available: {why}"))
        return
    results = {}
    for scale in sorted(set(run.settings.pdf_scales)):
        log(f"evidence PDF x{scale}")
        r = pdf_bench.measure(run.dbs[scale], run.today, timeout=4 * 3600)
        results[scale] = r
        o, b = r["ours"], r["base"]
        pages = o["pages"] or b["pages"]
        ratio = pdf_bench.ratio(r)
        sampled = not b.get("complete", True)
        rate_o = f" ({o['pages'] / o['seconds']:.1f} p/s)" if o["pages"] else ""
        rate_b = f" ({b['pages'] / b['seconds']:.1f} p/s)" if b["pages"] else ""
        figure = f"evidence PDF x{scale}: time, {pages:,} pages" + (" (per page)" if sampled else "")
        base_text = _s(b["seconds"]) + rate_b + (f" for {b['pages']:,} p" if sampled else "")
        run.rows.append(Row(figure, _s(o["seconds"]) + rate_o, base_text, ratio, f"≤ {PDF_GOAL}×", ratio <= PDF_GOAL,
                            "baseline: WeasyPrint alone, the same HTML in one piece"
                            + (" (its first parts: the whole would not fit in memory)" if sampled else "")))
        run.rows.append(Row(f"evidence PDF x{scale}: peak memory" + (f" (baseline: {b['pages']:,} p)" if sampled else ""),
                            f"{o['peak_mib']:,.0f} MiB", f"{b['peak_mib']:,.0f} MiB", o["peak_mib"] / b["peak_mib"],
                            "(info)", None))
    run.raw["pdf"] = results
    if len(results) > 1:
        lo, hi = min(results), max(results)
        p_lo, p_hi = results[lo]["ours"], results[hi]["ours"]
        growth = p_hi["peak_mib"] / p_lo["peak_mib"]
        pages = f"{p_lo['pages'] or '?'}→{p_hi['pages'] or '?'} pages"
        run.rows.append(Row(f"evidence PDF: peak memory x{hi} vs x{lo} ({pages})", f"{p_hi['peak_mib']:,.0f} MiB",
                            f"{p_lo['peak_mib']:,.0f} MiB", growth, f"flat (≤ {PDF_MEMORY_FLAT}×)",
                            growth <= PDF_MEMORY_FLAT))


# ---------------------------------------------------------------- 4. import

_PLAIN = re.compile(r"sqlite3 executemany:\s*([\d.]+)\s*s")
_OURS = re.compile(r"qms import:\s*([\d.]+)\s*s")


def bench_import(run: Run) -> None:
    s = run.settings
    argv = [sys.executable, "bench/import_bench.py", "--rows", str(s.import_rows), "--repeat", str(s.import_repeat)]
    proc = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"import_bench.py exited {proc.returncode}: {proc.stderr.strip()[-1500:]}")
    plain, ours = _PLAIN.search(proc.stdout), _OURS.search(proc.stdout)
    if not plain or not ours:
        raise RuntimeError(f"cannot read import_bench.py's output: {proc.stdout.strip()[-500:]}")
    a, b = float(plain.group(1)), float(ours.group(1))
    run.raw["import"] = {"plain": a, "ours": b, "rows": s.import_rows, "stdout": proc.stdout}
    run.rows.append(Row(f"import: {s.import_rows:,} measurements", _s(b), _s(a), b / a, f"≤ {IMPORT_GOAL}×",
                        b / a <= IMPORT_GOAL, "baseline: sqlite3 executemany of the same rows"))


# ---------------------------------------------------------------- 5. dashboard


def bench_dashboard(run: Run) -> None:
    s = run.settings
    results = {}
    for scale in sorted(set(s.scales)):
        results[scale] = _json_of(["bench/dashboard_bench.py", "--db", str(run.dbs[scale]), "--today",
                                   run.today.isoformat(), "--repeat", str(s.dashboard_repeat), "--json"], timeout=600)
    run.raw["dashboard"] = results
    ref = results[s.small]["median"]
    for scale, r in results.items():
        label = f"dashboard queries x{scale} ({r['indicators']:,} indicators, {r['statements']} statements)"
        if scale == s.small:
            run.rows.append(Row(label, _ms(r["median"]), _ms(ref), 1.0, "(reference)", None))
            continue
        bound = math.sqrt(scale / s.small)
        ratio = r["median"] / ref
        run.rows.append(Row(label, _ms(r["median"]), _ms(ref), ratio,
                            f"≤ {bound:.1f}× (√{scale // s.small if scale % s.small == 0 else scale / s.small:g})",
                            ratio <= bound, f"baseline: x{s.small} in the same run"))


# ---------------------------------------------------------------- the table


def machine() -> dict[str, Any]:
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        import textual

        textual_version = textual.__version__
    except Exception:
        textual_version = "?"
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {"cores": os.cpu_count(), "ram_gib": ram, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "textual": textual_version, "platform": platform.platform(),
            "load_1min": load}


def table(rows: list[Row]) -> str:
    head = ("figure", "ours", "baseline (same run)", "ratio", "goal", "met?")
    body = [(r.figure, r.ours, r.base, f"{r.ratio:.2f}×" if r.ratio is not None else "—", r.goal,
             {True: "yes", False: "NO", None: "—"}[r.met]) for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(b) for b in body)
    return "\n".join(out)


def report(run: Run, seconds: float) -> str:
    m = run.raw["machine"]
    goals = [r for r in run.rows if r.met is not None]
    met = sum(1 for r in goals if r.met)
    lines = [
        f"qms-tui benchmarks — {run.today.isoformat()}{' (quick)' if run.settings.quick else ''}; "
        f"scales N = {', '.join(map(str, sorted(set(run.settings.scales))))}",
        f"machine: {m['cores']} cores, {m['ram_gib']} GiB RAM, Python {m['python']}, SQLite {m['sqlite']}, "
        f"Textual {m['textual']}; load {m['load_1min']:.2f} at the start" if m["load_1min"] is not None else
        f"machine: {m['cores']} cores, {m['ram_gib']} GiB RAM, Python {m['python']}, SQLite {m['sqlite']}",
        "",
        table(run.rows),
        "",
        f"goals met: {met} of {len(goals)}; {seconds:.0f} s. Times are medians; ratios compare with a baseline "
        "measured in this run (the machine is noisy: trust ratios, not single times).",
    ]
    notes = [f"  - {r.figure}: {r.note}" for r in run.rows if r.note and r.ours == "error"]
    if run.errors:
        lines += ["", "errors:", *notes]
    return "\n".join(lines)


# ---------------------------------------------------------------- entry point


def settings_for(args: argparse.Namespace) -> Settings:
    if args.quick:
        st = Settings(scales=[1, 2], startup_repeat=1, import_rows=5_000, import_repeat=1, pdf_scales=[1],
                      dashboard_repeat=3, quick=True)
    else:
        st = Settings(scales=[1, 10, 100], startup_repeat=5, import_rows=100_000, import_repeat=3,
                      pdf_scales=[1, 10, 100], dashboard_repeat=9, quick=False)
    if args.scale:
        st.scales = sorted(set(args.scale))
        st.pdf_scales = list(st.scales) if not args.quick else [min(st.scales)]
    if args.pdf_scale:
        st.pdf_scales = sorted(set(args.pdf_scale))
    if args.import_rows:
        st.import_rows = args.import_rows
    return st


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="N = 1 and 2, fewer rows and repeats (a smoke test)")
    ap.add_argument("--scale", type=int, nargs="+", action="extend", metavar="N",
                    help="the scales of the per-N figures (default 1 10 100); the largest is used for "
                         "start-up and keystrokes")
    ap.add_argument("--pdf-scale", type=int, nargs="+", action="extend", metavar="N",
                    help="the scales of the evidence PDF (default: the same; --quick: the smallest)")
    ap.add_argument("--import-rows", type=int, default=None, help="rows of the import (default 100,000; quick 5,000)")
    ap.add_argument("--only", default=",".join(BENCHMARKS),
                    help=f"a comma-separated subset of {','.join(BENCHMARKS)}")
    ap.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    ap.add_argument("--data", type=Path, default=BENCH / "data", help="where the databases are kept (bench/data)")
    ap.add_argument("--json", type=Path, default=None, help="write the results here (default DATA/last-run.json)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = ap.parse_args(argv)
    unknown = set(filter(None, args.only.split(","))) - set(BENCHMARKS)
    if unknown:
        ap.error(f"--only: unknown benchmark(s) {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
    if any(n < 1 for n in (args.scale or []) + (args.pdf_scale or [])):
        ap.error("scales must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    run = Run(settings_for(args), args.today or date.today(), args.data.resolve())
    run.raw["machine"] = machine()
    run.raw["settings"] = asdict(run.settings)
    only = [b for b in BENCHMARKS if b in args.only.split(",")]
    prepare(run)
    steps: dict[str, tuple[str, Callable[[Run], None]]] = {
        "startup": ("start-up", bench_startup), "dashboard": ("dashboard queries", bench_dashboard),
        "lists": ("lists", bench_lists), "import": ("import", bench_import), "pdf": ("evidence PDF", bench_pdf),
    }
    for name in only:
        figure, fn = steps[name]
        _guard(run, name, figure, lambda fn=fn: fn(run))
    seconds = time.perf_counter() - started
    text = report(run, seconds)
    print(text, flush=True)
    out = args.json or run.data / "last-run.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"today": run.today.isoformat(), "seconds": seconds,
                               "rows": [asdict(r) for r in run.rows], "raw": run.raw, "errors": run.errors,
                               "table": text}, indent=1, default=str), encoding="utf-8")
    if run.errors:
        return 1
    if args.strict and any(r.met is False for r in run.rows):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
