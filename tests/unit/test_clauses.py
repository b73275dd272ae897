"""Clause catalogue of ISO 9001:2015 and ISO/TS 54001:2019."""

from __future__ import annotations

import pytest

from qms_tui.domain import clauses as cl
from qms_tui.domain.clauses import (
    EVIDENCE_CLAUSES,
    ISO9001,
    ISO9001_CLAUSES,
    ISO54001,
    ISO54001_CLAUSES,
    ISO54001_PROCESSES,
    STANDARDS,
    Clause,
    children,
    clauses,
    electoral_process,
    get_clause,
    is_leaf,
    sort_key,
    top_level,
)

PROCESS_NUMBERS = [f"8.5.1.{i}" for i in range(1, 9)]


def numbers(items: tuple[Clause, ...]) -> list[str]:
    return [c.number for c in items]


def test_standards_names() -> None:
    assert set(STANDARDS) == {ISO9001, ISO54001}
    assert STANDARDS[ISO9001] == (
        "ISO 9001:2015 Sistemas de gestión de la calidad — Requisitos",
        "ISO 9001:2015 Quality management systems — Requirements",
    )
    es, en = STANDARDS[ISO54001]
    assert es.startswith("ISO/TS 54001:2019 Sistemas de gestión de la calidad — Requisitos")
    assert es.endswith("para organizaciones electorales en todos los niveles de gobierno")
    assert en.endswith("for electoral organizations at all levels of government")


def test_counts() -> None:
    assert len(ISO9001_CLAUSES) == 91
    assert len(ISO54001_PROCESSES) == 8
    assert len(ISO54001_CLAUSES) == 91 + 8
    assert len(EVIDENCE_CLAUSES(ISO9001)) == 65
    assert len(EVIDENCE_CLAUSES(ISO54001)) == 65 + 8


def test_required_clauses_present() -> None:
    wanted = """4 4.1 4.2 4.3 4.4 4.4.1 4.4.2 5 5.1 5.1.1 5.1.2 5.2 5.2.1 5.2.2 5.3 6 6.1 6.1.1
    6.1.2 6.2 6.2.1 6.2.2 6.3 7 7.1 7.1.1 7.1.2 7.1.3 7.1.4 7.1.5 7.1.5.1 7.1.5.2 7.1.6 7.2
    7.3 7.4 7.5 7.5.1 7.5.2 7.5.3 7.5.3.1 7.5.3.2 8 8.1 8.2 8.2.1 8.2.2 8.2.3 8.2.3.1 8.2.3.2
    8.2.4 8.3 8.3.1 8.3.2 8.3.3 8.3.4 8.3.5 8.3.6 8.4 8.4.1 8.4.2 8.4.3 8.5 8.5.1 8.5.2 8.5.3
    8.5.4 8.5.5 8.5.6 8.6 8.7 8.7.1 8.7.2 9 9.1 9.1.1 9.1.2 9.1.3 9.2 9.2.1 9.2.2 9.3 9.3.1
    9.3.2 9.3.3 10 10.1 10.2 10.2.1 10.2.2 10.3""".split()
    assert numbers(ISO9001_CLAUSES) == wanted  # exactly these, in document order


@pytest.mark.parametrize("standard", [ISO9001, ISO54001])
def test_document_order_is_numeric(standard: str) -> None:
    nums = numbers(clauses(standard))
    assert nums == sorted(nums, key=sort_key)
    assert len(set(nums)) == len(nums)
    assert nums.index("10") > nums.index("9.3.3")


def test_sort_key() -> None:
    assert sort_key("10.2") > sort_key("9.3")
    assert sort_key("8.5.1") < sort_key("8.5.1.1") < sort_key("8.5.1.8") < sort_key("8.5.2")
    assert sort_key("7.1.10") > sort_key("7.1.9")
    assert sort_key(" 4.1 ") == (4, 1)
    assert sorted(["10.1", "9.1", "4.10", "4.2"], key=sort_key) == ["4.2", "4.10", "9.1", "10.1"]
    with pytest.raises(ValueError, match="not a clause number"):
        sort_key("4.a")


@pytest.mark.parametrize("standard", [ISO9001, ISO54001])
def test_every_clause_has_titles_parent_and_standard(standard: str) -> None:
    items = clauses(standard)
    known = {c.number for c in items}
    for c in items:
        assert c.standard == standard
        assert c.title_es.strip() and c.title_en.strip(), c.number
        if c.parent is None:
            assert "." not in c.number
        else:
            assert c.parent in known, c.number
            assert c.number.rsplit(".", 1)[0] == c.parent


@pytest.mark.parametrize(
    ("number", "es", "en"),
    [
        ("9.3.2", "Entradas de la revisión por la dirección", "Management review inputs"),
        ("4.1", "Comprensión de la organización y de su contexto", "Understanding the organization and its context"),
        ("4.3", "Determinación del alcance del sistema de gestión de la calidad", "Determining the scope of the quality management system"),
        ("5.3", "Roles, responsabilidades y autoridades en la organización", "Organizational roles, responsibilities and authorities"),
        ("7.1.5.2", "Trazabilidad de las mediciones", "Measurement traceability"),
        ("7.3", "Toma de conciencia", "Awareness"),
        ("8.5.1", "Control de la producción y de la provisión del servicio", "Control of production and service provision"),
        ("8.5.3", "Propiedad perteneciente a los clientes o proveedores externos", "Property belonging to customers or external providers"),
        ("8.7", "Control de las salidas no conformes", "Control of nonconforming outputs"),
        ("9.3.3", "Salidas de la revisión por la dirección", "Management review outputs"),
        ("10.2", "No conformidad y acción correctiva", "Nonconformity and corrective action"),
        ("10.3", "Mejora continua", "Continual improvement"),
        ("5.2", "Política", "Policy"),
        ("8.3.2", "Planificación del diseño y desarrollo", "Design and development planning"),
        ("8.3.1", "Generalidades", "General"),
    ],
)  # fmt: skip
def test_titles(number: str, es: str, en: str) -> None:
    clause = get_clause(ISO9001, number)
    assert clause.title_es == es
    assert clause.title_en == en
    assert clause.title("es") == es
    assert clause.title("es_MX") == es
    assert clause.title("en") == en
    assert get_clause(ISO54001, number).title("es") == es


def test_processes_only_in_54001() -> None:
    assert numbers(ISO54001_PROCESSES) == PROCESS_NUMBERS
    nine = set(numbers(ISO9001_CLAUSES))
    assert not nine & set(PROCESS_NUMBERS)
    for n in PROCESS_NUMBERS:
        with pytest.raises(KeyError):
            get_clause(ISO9001, n)
        assert get_clause(ISO54001, n).parent == "8.5.1"
    # ISO/TS 54001 = ISO 9001 re-tagged + the eight processes right after 8.5.1
    nums = numbers(ISO54001_CLAUSES)
    i = nums.index("8.5.1")
    assert nums[i + 1 : i + 9] == PROCESS_NUMBERS
    assert nums[i + 9] == "8.5.2"
    assert [n for n in nums if n not in PROCESS_NUMBERS] == numbers(ISO9001_CLAUSES)
    assert all(c.standard == ISO54001 for c in ISO54001_CLAUSES)
    nine_titles = {c.number: (c.title_es, c.title_en) for c in ISO9001_CLAUSES}
    for c in ISO54001_CLAUSES:
        if c.number in nine_titles:
            assert (c.title_es, c.title_en) == nine_titles[c.number]


@pytest.mark.parametrize(
    ("no", "es", "en"),
    [
        (1, "Registro de electores", "Voter registration"),
        (2, "Registro de organizaciones políticas y candidaturas", "Registration of political organizations and candidates"),
        (3, "Logística electoral", "Electoral logistics"),
        (4, "Emisión del voto", "Vote casting"),
        (5, "Escrutinio y declaración de resultados", "Vote counting and declaration of results"),
        (6, "Educación electoral", "Electoral education"),
        (7, "Fiscalización del financiamiento de campañas", "Oversight of campaign financing"),
        (8, "Resolución de disputas electorales", "Resolution of electoral disputes"),
    ],
)  # fmt: skip
def test_electoral_process(no: int, es: str, en: str) -> None:
    p = electoral_process(no)
    assert p.number == f"8.5.1.{no}"
    assert p.standard == ISO54001
    assert (p.title_es, p.title_en) == (es, en)
    assert p is ISO54001_PROCESSES[no - 1]


@pytest.mark.parametrize("bad", [0, 9, -1, True])
def test_electoral_process_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match="1–8"):
        electoral_process(bad)


def test_uncertain_numbering_is_documented() -> None:
    assert cl.__doc__ is not None
    assert "believed" in cl.__doc__ and "8.5.1" in cl.__doc__


def test_get_clause_errors() -> None:
    with pytest.raises(KeyError):
        get_clause(ISO9001, "11")
    with pytest.raises(KeyError):
        get_clause(ISO9001, "3")
    with pytest.raises(ValueError, match="unknown standard"):
        get_clause("iso14001", "4.1")
    with pytest.raises(ValueError, match="unknown standard"):
        clauses("iso14001")
    assert get_clause(ISO9001, " 4.1 ").number == "4.1"


@pytest.mark.parametrize("standard", [ISO9001, ISO54001])
def test_top_level(standard: str) -> None:
    assert numbers(top_level(standard)) == ["4", "5", "6", "7", "8", "9", "10"]
    assert [c.title_es for c in top_level(standard)] == [
        "Contexto de la organización",
        "Liderazgo",
        "Planificación",
        "Apoyo",
        "Operación",
        "Evaluación del desempeño",
        "Mejora",
    ]


def test_children_and_leaves() -> None:
    assert numbers(children(ISO9001, "9.3")) == ["9.3.1", "9.3.2", "9.3.3"]
    assert numbers(children(ISO9001, "7.1.5")) == ["7.1.5.1", "7.1.5.2"]
    assert numbers(children(ISO9001, "10")) == ["10.1", "10.2", "10.3"]
    assert children(ISO9001, "8.5.1") == ()
    assert numbers(children(ISO54001, "8.5.1")) == PROCESS_NUMBERS
    assert is_leaf(ISO9001, "8.5.1")
    assert not is_leaf(ISO54001, "8.5.1")
    assert is_leaf(ISO9001, "4.1")
    assert not is_leaf(ISO9001, "4")
    assert is_leaf(ISO54001, "8.5.1.4")
    with pytest.raises(KeyError):
        children(ISO9001, "8.5.1.1")


def test_evidence_clauses() -> None:
    nine = numbers(EVIDENCE_CLAUSES(ISO9001))
    assert nine[0] == "4.1" and nine[-1] == "10.3"
    assert all(is_leaf(ISO9001, n) for n in nine)
    assert nine == [c.number for c in ISO9001_CLAUSES if is_leaf(ISO9001, c.number)]
    for n in ["4.4.1", "7.1.5.1", "8.2.3.2", "9.3.2", "10.2.2", "8.5.1"]:
        assert n in nine
    for n in ["4", "4.4", "7.1.5", "8.2.3", "9.3", "10.2"]:
        assert n not in nine
    assert not set(nine) & set(PROCESS_NUMBERS)

    ts = EVIDENCE_CLAUSES(ISO54001)
    assert all(c.standard == ISO54001 for c in ts)
    ts_nums = numbers(ts)
    assert [n for n in ts_nums if n not in PROCESS_NUMBERS] == nine
    i = ts_nums.index("8.5.1")
    assert ts_nums[i + 1 : i + 9] == PROCESS_NUMBERS
    assert ts_nums == sorted(ts_nums, key=sort_key)


def test_clause_level_and_frozen() -> None:
    c = get_clause(ISO9001, "7.1.5.1")
    assert c.level == 4
    assert get_clause(ISO9001, "10").level == 1
    with pytest.raises(AttributeError):
        c.number = "1"  # type: ignore[misc]
