"""Nonconformities in every state of their lifecycle (10.2), from audit findings, an
indicator breach, complaints and a nonconforming output; 5-whys and Ishikawa analyses,
actions (some overdue), effectiveness checks (effective and not effective), a closed one
reopened and in progress again, a cancelled one and a draft raised from a red measurement.

Each NC follows a script of steps; dates are days relative to ``today`` unless the NC is
tied to an event (then relative to its detection)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from qms_tui.db.models import Indicator, Measurement
from qms_tui.demo.capa_data import SCRIPTS
from qms_tui.demo.context import Ctx
from qms_tui.domain.enums import ActionStatus as AS
from qms_tui.services import nonconformities as ncs

COORDINATOR = "lhernandez"


def finish_actions(ctx: Ctx) -> None:
    """Mark done the risk and review actions queued in ``ctx.done_actions``."""
    for code, owner, on in ctx.done_actions:
        ncs.update_action_status(ctx.session, ctx.as_(owner), code, AS.DONE, completed_on=on,
                                 evidence_note="Evidencia entregada a la Coordinación de Calidad.")
    ctx.done_actions.clear()


def load(ctx: Ctx) -> None:
    for key, script in SCRIPTS:
        _run(ctx, key, script)
    finish_actions(ctx)


def _when(ctx: Ctx, base: date | None, offset: int | tuple[str, int]) -> date:
    """A day ``offset`` days after the script's base date, or after today (``T(n)``)."""
    if isinstance(offset, tuple):
        return ctx.day(offset[1])
    return (base + timedelta(days=offset)) if base is not None else ctx.day(offset)


def _detected(ctx: Ctx, base: date | None, script: dict[str, Any]) -> date:
    if script["detected"] is not None:
        return _when(ctx, base, script["detected"])
    # raised from last month's red value: a few days into this month (never after today)
    return min(ctx.today.replace(day=1) + timedelta(days=2), ctx.today)


def _run(ctx: Ctx, key: str, script: dict[str, Any]) -> None:
    s = ctx.session
    base: date | None = script.get("base")
    owner = script["owner"]
    reporter = ctx.as_(script.get("reporter", COORDINATOR))
    origin = script["origin"]
    detected = _detected(ctx, base, script)
    overrides = {"owner": owner, "detected_on": detected, **script.get("data", {})}
    if origin == "finding":
        nc = ncs.raise_from_finding(s, reporter, ctx.code(f"f.{script['finding']}"), overrides)
    elif origin == "measurement":  # a draft, as the red-light rule raises it
        indicator = script["measurement"]
        period = ctx.codes[f"last.{indicator}"]
        ind_code = ctx.code(f"ind.{indicator}")
        m = s.get(Measurement, ctx.ids[f"med.{indicator}.{period}"])
        ind = s.get(Indicator, m.indicator_id)  # type: ignore[union-attr]
        overrides["title"] = f"Indicador {ind_code} fuera de meta en {period}"
        overrides["description"] = (f"{ind.name}: el valor de {period} es {m.value:g} {ind.unit}; "  # type: ignore[union-attr]
                                    f"la meta es {ind.target:g} {ind.unit}. {m.note or ''}".strip())  # type: ignore[union-attr]
        nc = ncs.raise_from_measurement(s, reporter, ctx.ids[f"med.{indicator}.{period}"], overrides,
                                        draft=True, breach_key=f"red:{ind_code}:{period}")
    else:
        data = {**overrides, "reported_by": script.get("reporter", COORDINATOR)}
        if "measurement" in script:
            data["measurement"] = ctx.code(script["measurement"])
        nc = ncs.create_nc(s, reporter, data)
    ctx.keep(f"nc.{key}", nc)
    code, who = nc.code, ctx.as_(owner)
    for step in script.get("steps", ()):
        kind, *args = step
        if kind == "correction":
            text, day, extent = args
            ncs.record_correction(s, who, code, text, _when(ctx, base, day), extent)
        elif kind == "rca":
            method, root, causes = args
            ncs.record_root_cause(s, who, code, method, root, list(causes))
        elif kind == "action":
            akey, akind, desc, aowner, due, status, done_on = args
            a = ncs.add_action(s, who, code, {"kind": akind, "description": desc, "owner": aowner,
                                              "due_date": _when(ctx, base, due)})
            ctx.keep(f"ac.{key}.{akey}", a)
            if status == AS.IN_PROGRESS:
                ncs.update_action_status(s, ctx.as_(aowner), a.code, AS.IN_PROGRESS)
            elif status == AS.DONE:
                ncs.update_action_status(s, ctx.as_(aowner), a.code, AS.DONE,
                                         completed_on=_when(ctx, base, done_on),
                                         evidence_note="Evidencia cargada por la persona responsable.")
        elif kind == "implement":
            ncs.start_implementation(s, who, code)
        elif kind == "check":
            ckey, day, criterion, verifier = args
            c = ncs.plan_effectiveness_check(s, who, code, _when(ctx, base, day), criterion, verifier)
            ctx.keep(f"ve.{key}.{ckey}", c)
        elif kind == "verify":
            ncs.request_verification(s, who, code)
        elif kind == "effectiveness":
            ckey, result, day, note, verifier = args
            ncs.record_effectiveness(s, ctx.as_(verifier), ctx.code(f"ve.{key}.{ckey}"), result,
                                     _when(ctx, base, day), note, verifier)
        elif kind == "close":
            ncs.close_nc(s, ctx.as_(COORDINATOR), code, closed_on=_when(ctx, base, args[0]))
        elif kind == "reopen":
            ncs.reopen_nc(s, ctx.as_(COORDINATOR), code, args[0])
        elif kind == "cancel":
            reason = args[0].format(root_cause=ctx.codes.get("nc.root_cause", "otra NC"))
            ncs.cancel_nc(s, ctx.as_(COORDINATOR), code, reason)
        else:  # pragma: no cover - a typo in the scripts
            raise ValueError(f"unknown step {kind!r}")
