"""Helpers of the import / export / restore tests."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from qms_tui.db.models import Evidence, Measurement, TrailEvent
from qms_tui.services import trail

TODAY = date(2025, 6, 16)
MONTHLY = {"unit": "%", "direction": "higher", "target": "95", "frequency": "monthly"}


def counts(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()  # type: ignore[return-value]
                     for m in (Measurement, TrailEvent, Evidence))


def verified(db) -> bool:  # type: ignore[no-untyped-def]
    with db.read() as s:
        problems = trail.verify(s)
    assert problems == [], [p.detail for p in problems[:5]]
    return True


def write_csv(path: Path, rows: list[list[object]], header=("indicator", "period", "value", "note"),
              delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        if header:
            w.writerow(header)
        w.writerows(rows)
    return path


def month_rows(n: int, indicators: int = 10) -> list[list[object]]:
    """``n`` valid rows: IND-001…0NN, months going back from 2025-05."""
    out = []
    for i in range(n):
        ind, k = i % indicators, i // indicators
        y, m = divmod(2025 * 12 + 4 - k, 12)
        out.append([f"IND-{ind + 1:03d}", f"{y:04d}-{m + 1:02d}", f"{90 + (i % 97) / 10:.1f}", "" if i % 7 else f"nota {i}"])
    return out
