"""Catalogue of the auditable clauses of ISO 9001:2015 and ISO/TS 54001:2019.

Only clause *numbers and titles* are recorded, for navigation; no requirement text
(the standards are copyrighted). Spanish titles follow the official Spanish translation
of ISO 9001:2015 (see ``design/domain.md`` §1.2).

Notes
-----
* Some numbered sub-clauses of ISO 9001:2015 carry no title of their own
  (4.4.1, 4.4.2, 6.1.1, 6.1.2, 7.5.3.1, 7.5.3.2, 8.2.3.1, 8.2.3.2, 8.7.1, 8.7.2,
  9.2.1, 9.2.2, 10.2.1, 10.2.2). For them the catalogue shows the parent's title
  followed by a short descriptor after " — "; the descriptor is a navigation aid,
  not an official title.
* ISO/TS 54001:2019 contains the whole ISO 9001:2015 structure plus requirements
  for eight electoral processes. Their exact numbering is **uncertain**: in
  ISO/TS 17582:2014 they were sub-clauses of 7.5.1; in ISO/TS 54001 they are
  *believed* to sit under 8.5.1 as 8.5.1.1 … 8.5.1.8 (domain.md §2.3 and §10,
  open point 1). Verify against the purchased text before relying on the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

ISO9001 = "iso9001"
ISO54001 = "iso54001"

STANDARDS: dict[str, tuple[str, str]] = {
    ISO9001: (
        "ISO 9001:2015 Sistemas de gestión de la calidad — Requisitos",
        "ISO 9001:2015 Quality management systems — Requirements",
    ),
    ISO54001: (
        "ISO/TS 54001:2019 Sistemas de gestión de la calidad — Requisitos particulares "
        "para la aplicación de la Norma ISO 9001:2015 para organizaciones electorales "
        "en todos los niveles de gobierno",
        "ISO/TS 54001:2019 Quality management systems — Particular requirements for the "
        "application of ISO 9001:2015 for electoral organizations at all levels of government",
    ),
}


@dataclass(frozen=True)
class Clause:
    """One clause of a standard. ``parent`` is the parent clause number (None at top level)."""

    standard: str
    number: str
    title_es: str
    title_en: str
    parent: str | None

    def title(self, lang: str) -> str:
        """Title in ``lang``: any tag starting with "es" gives Spanish, anything else English."""
        return self.title_es if lang.lower().startswith("es") else self.title_en

    @property
    def level(self) -> int:
        """Depth of the clause: 1 for "4", 2 for "4.1", 3 for "4.4.1", …"""
        return self.number.count(".") + 1


def sort_key(number: str) -> tuple[int, ...]:
    """Numeric ordering key for a clause number: "9.3" < "10.2", "8.5.1" < "8.5.1.1" < "8.5.2"."""
    try:
        return tuple(int(part) for part in number.strip().split("."))
    except ValueError:
        raise ValueError(f"not a clause number: {number!r}") from None


def _parent_of(number: str) -> str | None:
    head, sep, _ = number.rpartition(".")
    return head if sep else None


# (number, Spanish title, English title), in document order.
# fmt: off
_ISO9001_TITLES: tuple[tuple[str, str, str], ...] = (
    ("4", "Contexto de la organización", "Context of the organization"),
    ("4.1", "Comprensión de la organización y de su contexto",
     "Understanding the organization and its context"),
    ("4.2", "Comprensión de las necesidades y expectativas de las partes interesadas",
     "Understanding the needs and expectations of interested parties"),
    ("4.3", "Determinación del alcance del sistema de gestión de la calidad",
     "Determining the scope of the quality management system"),
    ("4.4", "Sistema de gestión de la calidad y sus procesos",
     "Quality management system and its processes"),
    ("4.4.1", "Sistema de gestión de la calidad y sus procesos — procesos y su interacción",
     "Quality management system and its processes — processes and their interaction"),
    ("4.4.2", "Sistema de gestión de la calidad y sus procesos — información documentada",
     "Quality management system and its processes — documented information"),
    ("5", "Liderazgo", "Leadership"),
    ("5.1", "Liderazgo y compromiso", "Leadership and commitment"),
    ("5.1.1", "Generalidades", "General"),
    ("5.1.2", "Enfoque al cliente", "Customer focus"),
    ("5.2", "Política", "Policy"),
    ("5.2.1", "Establecimiento de la política de la calidad", "Establishing the quality policy"),
    ("5.2.2", "Comunicación de la política de la calidad", "Communicating the quality policy"),
    ("5.3", "Roles, responsabilidades y autoridades en la organización",
     "Organizational roles, responsibilities and authorities"),
    ("6", "Planificación", "Planning"),
    ("6.1", "Acciones para abordar riesgos y oportunidades",
     "Actions to address risks and opportunities"),
    ("6.1.1", "Acciones para abordar riesgos y oportunidades — riesgos y oportunidades a abordar",
     "Actions to address risks and opportunities — risks and opportunities to address"),
    ("6.1.2", "Acciones para abordar riesgos y oportunidades — planificación de las acciones",
     "Actions to address risks and opportunities — planning the actions"),
    ("6.2", "Objetivos de la calidad y planificación para lograrlos",
     "Quality objectives and planning to achieve them"),
    ("6.2.1", "Objetivos de la calidad", "Quality objectives"),
    ("6.2.2", "Planificación para lograr los objetivos", "Planning to achieve objectives"),
    ("6.3", "Planificación de los cambios", "Planning of changes"),
    ("7", "Apoyo", "Support"),
    ("7.1", "Recursos", "Resources"),
    ("7.1.1", "Generalidades", "General"),
    ("7.1.2", "Personas", "People"),
    ("7.1.3", "Infraestructura", "Infrastructure"),
    ("7.1.4", "Ambiente para la operación de los procesos",
     "Environment for the operation of processes"),
    ("7.1.5", "Recursos de seguimiento y medición", "Monitoring and measuring resources"),
    ("7.1.5.1", "Generalidades", "General"),
    ("7.1.5.2", "Trazabilidad de las mediciones", "Measurement traceability"),
    ("7.1.6", "Conocimientos de la organización", "Organizational knowledge"),
    ("7.2", "Competencia", "Competence"),
    ("7.3", "Toma de conciencia", "Awareness"),
    ("7.4", "Comunicación", "Communication"),
    ("7.5", "Información documentada", "Documented information"),
    ("7.5.1", "Generalidades", "General"),
    ("7.5.2", "Creación y actualización", "Creating and updating"),
    ("7.5.3", "Control de la información documentada", "Control of documented information"),
    ("7.5.3.1", "Control de la información documentada — disponibilidad y protección",
     "Control of documented information — availability and protection"),
    ("7.5.3.2", "Control de la información documentada — actividades de control",
     "Control of documented information — control activities"),
    ("8", "Operación", "Operation"),
    ("8.1", "Planificación y control operacional", "Operational planning and control"),
    ("8.2", "Requisitos para los productos y servicios",
     "Requirements for products and services"),
    ("8.2.1", "Comunicación con el cliente", "Customer communication"),
    ("8.2.2", "Determinación de los requisitos para los productos y servicios",
     "Determining the requirements for products and services"),
    ("8.2.3", "Revisión de los requisitos para los productos y servicios",
     "Review of the requirements for products and services"),
    ("8.2.3.1", "Revisión de los requisitos para los productos y servicios — "
     "revisión antes del compromiso",
     "Review of the requirements for products and services — review before commitment"),
    ("8.2.3.2", "Revisión de los requisitos para los productos y servicios — "
     "información documentada",
     "Review of the requirements for products and services — documented information"),
    ("8.2.4", "Cambios en los requisitos para los productos y servicios",
     "Changes to requirements for products and services"),
    ("8.3", "Diseño y desarrollo de los productos y servicios",
     "Design and development of products and services"),
    ("8.3.1", "Generalidades", "General"),
    ("8.3.2", "Planificación del diseño y desarrollo", "Design and development planning"),
    ("8.3.3", "Entradas para el diseño y desarrollo", "Design and development inputs"),
    ("8.3.4", "Controles del diseño y desarrollo", "Design and development controls"),
    ("8.3.5", "Salidas del diseño y desarrollo", "Design and development outputs"),
    ("8.3.6", "Cambios del diseño y desarrollo", "Design and development changes"),
    ("8.4", "Control de los procesos, productos y servicios suministrados externamente",
     "Control of externally provided processes, products and services"),
    ("8.4.1", "Generalidades", "General"),
    ("8.4.2", "Tipo y alcance del control", "Type and extent of control"),
    ("8.4.3", "Información para los proveedores externos", "Information for external providers"),
    ("8.5", "Producción y provisión del servicio", "Production and service provision"),
    ("8.5.1", "Control de la producción y de la provisión del servicio",
     "Control of production and service provision"),
    ("8.5.2", "Identificación y trazabilidad", "Identification and traceability"),
    ("8.5.3", "Propiedad perteneciente a los clientes o proveedores externos",
     "Property belonging to customers or external providers"),
    ("8.5.4", "Preservación", "Preservation"),
    ("8.5.5", "Actividades posteriores a la entrega", "Post-delivery activities"),
    ("8.5.6", "Control de los cambios", "Control of changes"),
    ("8.6", "Liberación de los productos y servicios", "Release of products and services"),
    ("8.7", "Control de las salidas no conformes", "Control of nonconforming outputs"),
    ("8.7.1", "Control de las salidas no conformes — identificación y tratamiento",
     "Control of nonconforming outputs — identification and treatment"),
    ("8.7.2", "Control de las salidas no conformes — información documentada",
     "Control of nonconforming outputs — documented information"),
    ("9", "Evaluación del desempeño", "Performance evaluation"),
    ("9.1", "Seguimiento, medición, análisis y evaluación",
     "Monitoring, measurement, analysis and evaluation"),
    ("9.1.1", "Generalidades", "General"),
    ("9.1.2", "Satisfacción del cliente", "Customer satisfaction"),
    ("9.1.3", "Análisis y evaluación", "Analysis and evaluation"),
    ("9.2", "Auditoría interna", "Internal audit"),
    ("9.2.1", "Auditoría interna — propósito e intervalos",
     "Internal audit — purpose and planned intervals"),
    ("9.2.2", "Auditoría interna — programa de auditoría", "Internal audit — audit programme"),
    ("9.3", "Revisión por la dirección", "Management review"),
    ("9.3.1", "Generalidades", "General"),
    ("9.3.2", "Entradas de la revisión por la dirección", "Management review inputs"),
    ("9.3.3", "Salidas de la revisión por la dirección", "Management review outputs"),
    ("10", "Mejora", "Improvement"),
    ("10.1", "Generalidades", "General"),
    ("10.2", "No conformidad y acción correctiva", "Nonconformity and corrective action"),
    ("10.2.1", "No conformidad y acción correctiva — reacción y acción correctiva",
     "Nonconformity and corrective action — reaction and corrective action"),
    ("10.2.2", "No conformidad y acción correctiva — información documentada",
     "Nonconformity and corrective action — documented information"),
    ("10.3", "Mejora continua", "Continual improvement"),
)

# The eight ISO/TS 54001 electoral processes (domain.md §2.3): ES common usage, EN OAS wording.
_PROCESS_TITLES: tuple[tuple[str, str], ...] = (
    ("Registro de electores", "Voter registration"),
    ("Registro de organizaciones políticas y candidaturas",
     "Registration of political organizations and candidates"),
    ("Logística electoral", "Electoral logistics"),
    ("Emisión del voto", "Vote casting"),
    ("Escrutinio y declaración de resultados", "Vote counting and declaration of results"),
    ("Educación electoral", "Electoral education"),
    ("Fiscalización del financiamiento de campañas", "Oversight of campaign financing"),
    ("Resolución de disputas electorales", "Resolution of electoral disputes"),
)
# fmt: on

#: Number of the ISO 9001 clause under which the electoral processes are believed to sit.
PROCESS_PARENT = "8.5.1"

ISO9001_CLAUSES: tuple[Clause, ...] = tuple(
    Clause(ISO9001, number, es, en, _parent_of(number)) for number, es, en in _ISO9001_TITLES
)

ISO54001_PROCESSES: tuple[Clause, ...] = tuple(
    Clause(ISO54001, f"{PROCESS_PARENT}.{no}", es, en, PROCESS_PARENT)
    for no, (es, en) in enumerate(_PROCESS_TITLES, start=1)
)


def _with_processes(base: tuple[Clause, ...]) -> tuple[Clause, ...]:
    """``base`` re-tagged as ISO/TS 54001, with the processes right after 8.5.1."""
    out: list[Clause] = []
    for clause in base:
        out.append(replace(clause, standard=ISO54001))
        if clause.number == PROCESS_PARENT:
            out.extend(ISO54001_PROCESSES)
    return tuple(out)


ISO54001_CLAUSES: tuple[Clause, ...] = _with_processes(ISO9001_CLAUSES)

_CATALOGUE: dict[str, tuple[Clause, ...]] = {ISO9001: ISO9001_CLAUSES, ISO54001: ISO54001_CLAUSES}
_INDEX: dict[str, dict[str, Clause]] = {
    std: {c.number: c for c in items} for std, items in _CATALOGUE.items()
}
_CHILDREN: dict[str, dict[str | None, tuple[Clause, ...]]] = {}
for _std, _items in _CATALOGUE.items():
    _kids: dict[str | None, list[Clause]] = {}
    for _c in _items:
        _kids.setdefault(_c.parent, []).append(_c)
    _CHILDREN[_std] = {k: tuple(v) for k, v in _kids.items()}
del _std, _items, _kids, _c


def _check_standard(standard: str) -> str:
    if standard not in _CATALOGUE:
        known = ", ".join(_CATALOGUE)
        raise ValueError(f"unknown standard {standard!r}: expected one of {known}")
    return standard


def clauses(standard: str) -> tuple[Clause, ...]:
    """Every clause of ``standard`` in document order. Unknown standard → ValueError."""
    return _CATALOGUE[_check_standard(standard)]


def get_clause(standard: str, number: str) -> Clause:
    """The clause ``number`` of ``standard``; KeyError if it does not exist."""
    index = _INDEX[_check_standard(standard)]
    try:
        return index[number.strip()]
    except KeyError:
        raise KeyError(f"no clause {number!r} in {standard}") from None


def children(standard: str, number: str) -> tuple[Clause, ...]:
    """Direct sub-clauses of ``number`` in document order (KeyError if ``number`` is unknown)."""
    clause = get_clause(standard, number)
    return _CHILDREN[standard].get(clause.number, ())


def is_leaf(standard: str, number: str) -> bool:
    """True when the clause has no sub-clauses (KeyError if it does not exist)."""
    return not children(standard, number)


def top_level(standard: str) -> tuple[Clause, ...]:
    """The top-level clauses 4 … 10."""
    return _CHILDREN[_check_standard(standard)][None]


def EVIDENCE_CLAUSES(standard: str) -> tuple[Clause, ...]:  # noqa: N802 - public name fixed by design
    """Dossier table of contents: the clauses at the level where evidence is filed.

    These are the ISO 9001 clauses without sub-clauses (4.1 … 10.3). For ISO/TS 54001
    the same list is returned re-tagged, plus the eight electoral processes right after
    8.5.1 — which keeps its own place because its ISO 9001 requirements still need
    evidence even though the processes hang below it.
    """
    _check_standard(standard)
    leaves = tuple(c for c in ISO9001_CLAUSES if is_leaf(ISO9001, c.number))
    if standard == ISO9001:
        return leaves
    return _with_processes(leaves)


def electoral_process(no: int) -> Clause:
    """ISO/TS 54001 electoral process ``no`` (1 = voter registration … 8 = electoral disputes)."""
    if isinstance(no, bool) or not isinstance(no, int) or not 1 <= no <= len(ISO54001_PROCESSES):
        raise ValueError(f"electoral process number must be 1–8, got {no!r}")
    return ISO54001_PROCESSES[no - 1]
