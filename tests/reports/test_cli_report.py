"""``qms report …``: bad arguments give one line on stderr and exit 2 (usage) or 1 (refused
data), never a traceback, and leave no file; a good one writes the PDF."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from qms_tui.cli import cli


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_LANG", "en")
    monkeypatch.delenv("QMS_DATABASE_URL", raising=False)
    monkeypatch.delenv("QMS_DEBUG", raising=False)


@pytest.fixture
def db_path(report_db) -> str:  # type: ignore[no-untyped-def]
    return report_db.url.removeprefix("sqlite:///")


def qms(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def one_error(result) -> str:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


@pytest.mark.parametrize("args,expected", [
    (["evidence", "--standard", "iso54001", "--from", "2025-12-01", "--to", "2025-01-01"],
     "--to (2025-01-01) is before --from (2025-12-01)"),
    (["evidence", "--standard", "iso14001"], "--standard must be one of iso9001, iso54001"),
    (["evidence", "--standard", "iso9001", "--from", "01/02/2025"], "--from must be a date like 2025-01-31"),
    (["indicators", "--period", "2025-Q5"], "quarter must be Q1–Q4"),
    (["indicators", "--period", "2025-06-01"], "--period takes a year, a semester, a quarter or a month"),
    (["audit", " "], "an audit report needs the audit's code (AUD-…)"),
    (["review", ""], "a management review report needs the review's code (RD-…)"),
])
def test_bad_usage_is_one_line_and_exit_2(db_path, tmp_path, args, expected):
    out = tmp_path / "r.pdf"
    result = qms("report", *args, "-o", str(out), "--db", db_path)
    assert result.exit_code == 2, result.output
    assert expected in one_error(result)
    assert not out.exists()


def test_output_is_required(db_path):
    result = qms("report", "capa", "--db", db_path)
    assert result.exit_code == 2 and "-o FILE.pdf" in one_error(result)


@pytest.mark.parametrize("where", ["missing-dir/r.pdf", "."])
def test_an_unwritable_path_is_one_line_and_exit_2(db_path, tmp_path, where):
    target = tmp_path / where
    result = qms("report", "capa", "-o", str(target), "--db", db_path)
    assert result.exit_code == 2
    assert "cannot write the report to" in one_error(result)
    assert sorted(os.listdir(tmp_path)) == ["data"] or sorted(os.listdir(tmp_path)) == []


@pytest.mark.parametrize("kind,code,entity", [("audit", "AUD-1999-01", "Audit"), ("review", "RD-1999-01", "Management review"),
                                              ("project", "PM-1999-01", "Improvement project")])
def test_an_unknown_code_is_refused_data_exit_1(db_path, tmp_path, kind, code, entity):
    out = tmp_path / "r.pdf"
    result = qms("report", kind, code, "-o", str(out), "--db", db_path)
    assert result.exit_code == 1
    assert one_error(result) == f"error: {entity} {code} does not exist"
    assert not out.exists() and not [f for f in os.listdir(tmp_path) if f.endswith(".part")]


def test_spanish_errors(db_path, tmp_path):
    result = qms("--lang", "es", "report", "evidence", "--standard", "iso9001", "--from", "2025-12-01",
                 "--to", "2025-01-01", "-o", str(tmp_path / "r.pdf"), "--db", db_path)
    assert result.exit_code == 2 and "es anterior a" in one_error(result)
    result = qms("--lang", "es", "report", "project", "", "-o", str(tmp_path / "r.pdf"), "--db", db_path)
    assert one_error(result) == "error: un informe de proyecto de mejora necesita la clave del proyecto (PM-…)"


@pytest.mark.pdf
def test_capa_report_is_written(db_path, tmp_path):
    out = tmp_path / "capa.pdf"
    result = qms("report", "capa", "-o", str(out), "--db", db_path, "--author", "Auditoría interna")
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    reader = PdfReader(out)
    assert reader.metadata.author == "Auditoría interna"
    assert "NC-2025-001" in reader.pages[0].extract_text() + reader.pages[-1].extract_text()
    assert os.listdir(tmp_path) == ["capa.pdf", "data"] or sorted(os.listdir(tmp_path)) == ["capa.pdf"]
