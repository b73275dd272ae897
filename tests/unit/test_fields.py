from datetime import date

import pytest

from qms_tui.domain import enums as E
from qms_tui.domain.errors import ValidationError, field_label
from qms_tui.domain.fields import Field, parse_all
from qms_tui.domain.specs import FIELD_LABELS, SPECS


def test_every_spec_field_has_a_label():
    missing = {f.name for s in SPECS.values() for f in s.fields if f.name not in FIELD_LABELS}
    assert missing == set()


def test_parse_collects_every_error_and_names_fields():
    spec = SPECS["indicator"]
    values, errors = parse_all(spec.fields, {"name": " ", "unit": "%", "direction": "higher",
                                             "target": "abc", "frequency": "weekly"})
    assert {e.field for e in errors} == {"name", "target", "frequency"}
    rendered = ValidationError(errors).lines()
    assert "Name: is required" in rendered
    assert "Target: must be a number" in rendered
    assert any(line.startswith("Frequency: must be one of: monthly") for line in rendered)


@pytest.mark.parametrize(
    "kind,raw,expected",
    [
        ("float", "12.5", 12.5), ("float", 3, 3.0), ("float", "1,250.5", 1250.5),
        ("int", "7", 7), ("date", "2025-03-14", date(2025, 3, 14)),
        ("bool", "sí", True), ("bool", "no", False), ("text", "  hola  ", "hola"),
    ],
)
def test_parse_kinds(kind, raw, expected):
    values, errors = parse_all([Field("x", kind)], {"x": raw})
    assert errors == [] and values["x"] == expected


@pytest.mark.parametrize(
    "kind,raw,message",
    [
        ("float", "nan", "must be a number"), ("float", True, "must be a number"),
        ("int", "7.5", "must be a whole number"), ("date", "14/03/2025", "must be a date like 2025-03-14"),
        ("date", "2025-02-30", "is not a real calendar date"), ("bool", "maybe", "must be yes or no"),
    ],
)
def test_parse_rejects(kind, raw, message):
    _, errors = parse_all([Field("x", kind)], {"x": raw})
    assert [(e.field, e.message) for e in errors] == [("x", message)]


def test_bounds_and_length():
    fields = [Field("likelihood", "int", min=1, max=5), Field("t", "text", max_length=3)]
    _, errors = parse_all(fields, {"likelihood": "9", "t": "abcd"})
    assert [e.render() for e in errors] == [
        f"{field_label('likelihood')}: must be at most 5", "T: is longer than 3 characters"]


def test_choice_accepts_value_or_label_and_unknown_keys_are_errors():
    f = Field("kind", "choice", choices=E.FindingKind)
    values, errors = parse_all([f], {"kind": "Major nonconformity"})
    assert values["kind"] == "major" and errors == []
    _, errors = parse_all([f], {"kind": "major", "colour": "red"})
    assert [e.field for e in errors] == ["colour"]


def test_clauses_are_checked_against_a_catalogue():
    f = Field("clauses", "clauses")
    known = {"4.1", "9.3.2", "10.2"}.__contains__
    values, errors = parse_all([f], {"clauses": "10.2; 4.1, 9.3.2 4.1"}, clause_known=known)
    assert values["clauses"] == ["4.1", "9.3.2", "10.2"] and errors == []
    _, errors = parse_all([f], {"clauses": "4.1, 11.9"}, clause_known=known)
    assert errors[0].field == "clauses" and "11.9" in errors[0].render()


def test_cross_field_checks():
    spec = SPECS["event"]
    check = spec.checks[1]
    errors = check({"key_date": date(2025, 6, 1), "end_date": date(2025, 5, 1)})
    assert [e.field for e in errors] == ["end_date"]
    assert "must not be before Key day" in errors[0].render()
    band = SPECS["indicator"].checks[0]
    assert {e.field for e in band({"direction": "band"})} == {"band_low", "band_high"}
    assert [e.field for e in band({"direction": "higher", "target": None})] == ["target"]
    assert [e.field for e in band({"direction": "higher", "target": 1, "green_from": 90, "yellow_from": 95})] == ["yellow_from"]


def test_bool_defaults_match_the_model_defaults():
    from qms_tui.db.models import MODELS

    for spec in SPECS.values():
        for f in spec.fields:
            if f.kind == "bool":
                column = MODELS[spec.name].__table__.columns[f.column]
                assert f.default == column.default.arg, (spec.name, f.name)


def test_spanish_messages_translate_the_other_field_label():
    from datetime import date

    from qms_tui import i18n

    errors = SPECS["event"].checks[0]({"start_date": date(2025, 6, 1), "key_date": date(2025, 5, 1)})
    i18n.set_language("es")
    line = errors[0].render()
    assert "Start date" not in line and line.startswith("Día de la jornada")


def test_negative_zero_is_stored_as_zero():
    import math

    values, _ = parse_all([Field("x", "float")], {"x": "-0.0"})
    assert values["x"] == 0.0 and math.copysign(1, values["x"]) == 1.0
