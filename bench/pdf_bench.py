"""Evidence PDF: our whole ``qms report evidence`` (a fresh process: imports, queries, parts
rendered in child processes, merge) against WeasyPrint alone rendering the same HTML in one
piece (the dossier's parts joined into one document; only the render and the write are
timed). Peak memory is sampled over the whole process tree (the CLI and its renderers).

    .venv/bin/python bench/pdf_bench.py --db bench/data/qms-x10-….db --today 2025-06-16
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STANDARD = "iso9001"
PAGES = re.compile(r"(\d+) (?:pages|páginas)")


def available() -> str | None:
    """None if ``qms report evidence`` can run here, else why not."""
    try:
        from qms_tui.reports import run  # noqa: F401
        from qms_tui.reports.run import _plan  # noqa: F401
    except Exception as exc:  # the reports package is being written
        return f"{type(exc).__name__}: {exc}"
    return None


class TreeSampler:
    """Peak of the summed RSS of a process and its descendants, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kib, self._stop = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, ()))
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self._tree():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
                            break
                except OSError:
                    pass
            self.peak_kib = max(self.peak_kib, total)
            self._stop.wait(0.02)

    def stop(self) -> int:
        self._stop.set()
        self.thread.join()
        return self.peak_kib


def ours(db: Path, today: date, out: Path) -> dict[str, Any]:
    env = dict(os.environ, QMS_LANG="es", PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-m", "qms_tui", "report", "evidence", "--standard", STANDARD,
            "--to", today.isoformat(), "-o", str(out), "--db", str(db), "--author", "bench"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    peak = sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"qms report evidence failed ({proc.returncode}): {stderr[-2000:]}")
    found = PAGES.search(stdout)
    return {"seconds": seconds, "pages": int(found.group(1)) if found else None, "peak_mib": peak / 1024}


#: The one-piece baseline renders at most this much body HTML (about 600 pages of the
#: dossier): WeasyPrint alone holds ~5.5 MB a page until it writes, so the x100 dossier
#: (~5,000 pages) in one piece would need ~27 GB. Past the cap the baseline is the first
#: parts in one piece, and ours is compared with it per page (seconds a page).
BASE_MAX_CHARS = 4_500_000


def one_piece_html(db: Path, today: date, max_chars: int | None = None) -> tuple[str, Any, bool]:
    """The dossier's HTML as one document (the front matter and every part, in order); with
    ``max_chars``, only the parts that fit (at least one). Returns (html, meta, complete)."""
    from qms_tui.db.session import Database
    from qms_tui.reports.common import render_html
    from qms_tui.reports.run import ReportRequest, _plan, resolve

    database = Database(f"sqlite:///{db}")
    req = resolve(ReportRequest(kind="evidence", out="/dev/null", lang="es", author="bench",
                                standard=STANDARD, end=today, today=today))
    meta, body, front, _attachment = _plan(database, req)
    database.dispose()
    parts = ([front(None)] if front is not None else []) + list(body)
    docs = [render_html(p.template, p.context, meta) for p in parts]
    head = docs[0][: docs[0].index("<body")]
    bodies = [re.search(r"<body[^>]*>(.*)</body>", d, re.S).group(1) for d in docs]  # type: ignore[union-attr]
    complete = True
    if max_chars is not None:
        kept, size = [], 0
        for body in bodies:
            if kept and size + len(body) > max_chars:
                complete = False
                break
            kept.append(body)
            size += len(body)
        bodies = kept
    opening = re.search(r"<body[^>]*>", docs[0]).group(0)  # type: ignore[union-attr]
    return head + opening + "\n".join(bodies) + "</body></html>", meta, complete


def baseline_child(db: Path, today: date, out: Path) -> dict[str, Any]:
    """In its own process: WeasyPrint renders the whole HTML at once (timed: render + write)."""
    html, _meta, complete = one_piece_html(db, today, BASE_MAX_CHARS)
    import weasyprint

    from qms_tui.reports.common import STATIC
    from qms_tui.reports.pdf import PDF_VARIANT

    t0 = time.perf_counter()
    doc = weasyprint.HTML(string=html, base_url=str(STATIC)).render()  # the HTML links report.css
    doc.write_pdf(str(out), pdf_variant=PDF_VARIANT)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "pages": len(doc.pages), "peak_mib": peak / 1024, "complete": complete,
            "html_chars": len(html)}


def baseline(db: Path, today: date, out: Path, timeout: float) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--db", str(db), "--today", today.isoformat(), "--child", str(out)]
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"baseline failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(db: Path, today: date, *, with_baseline: bool = True, timeout: float = 3600) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="qms-bench-pdf-") as tmp:
        result = {"ours": ours(db, today, Path(tmp) / "ours.pdf")}
        if with_baseline:
            result["base"] = baseline(db, today, Path(tmp) / "base.pdf", timeout)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--today", type=date.fromisoformat, default=date.today())
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(baseline_child(args.db, args.today, args.child)))
        return
    why = available()
    if why:
        print(f"not available yet: {why}")
        return
    r = measure(args.db, args.today, with_baseline=not args.no_baseline)
    for side, v in r.items():
        print(f"{side}: {v['pages']} pages in {v['seconds']:.1f} s ({v['pages'] / v['seconds']:.2f} pages/s), "
              f"peak {v['peak_mib']:.0f} MiB")
    if "base" in r:
        print(f"ratio {ratio(r):.2f}x" + ("" if r["base"].get("complete", True) else
                                           " (per page: the baseline rendered the first parts only)"))


def ratio(r: dict[str, Any]) -> float:
    """Ours against the baseline: their times, or their seconds a page when the baseline
    rendered only the first parts (BASE_MAX_CHARS)."""
    o, b = r["ours"], r["base"]
    if b.get("complete", True) or not o["pages"] or not b["pages"]:
        return o["seconds"] / b["seconds"]
    return (o["seconds"] / o["pages"]) / (b["seconds"] / b["pages"])


if __name__ == "__main__":
    main()
