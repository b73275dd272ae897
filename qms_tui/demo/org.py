"""Organizational units of the IECM (domain.md §4.2) and the people of the SGCE.

Unit names are the 2025 ones; former names are kept as aliases because audit records span
the 2024–2025 renaming. People are fictional."""

from __future__ import annotations

from qms_tui.demo.context import Ctx
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import OrgUnitKind as K
from qms_tui.domain.enums import Role
from qms_tui.services import org

# code, name, kind, acronym, aliases, parent
UNITS: tuple[tuple[str, str, str, str | None, str | None, str | None], ...] = (
    ("CG", "Consejo General", K.COUNCIL, "CG", None, None),
    ("SE", "Secretaría Ejecutiva", K.SECRETARIAT, "SE", None, "CG"),
    ("SA", "Secretaría Administrativa", K.SECRETARIAT, "SA", None, "CG"),
    ("DEAPYF", "Dirección Ejecutiva de Asociaciones Políticas y Fiscalización", K.EXECUTIVE,
     "DEAPyF", "Dirección Ejecutiva de Asociaciones Políticas (DEAP); "
     "Unidad Técnica Especializada de Fiscalización (UTEF)", "SE"),
    ("DEOEYG", "Dirección Ejecutiva de Organización Electoral y Geoestadística", K.EXECUTIVE,
     "DEOEyG", "DEOEyG (siglas usadas en documentos anteriores a 2025)", "SE"),
    ("DEPCYC", "Dirección Ejecutiva de Participación Ciudadana y Capacitación", K.EXECUTIVE,
     "DEPCyC", "DEPCyC (siglas usadas en documentos anteriores a 2025)", "SE"),
    ("DEGDHECYCC", "Dirección Ejecutiva de Género, Derechos Humanos, Educación Cívica y "
     "Construcción Ciudadana", K.EXECUTIVE, "DEGDHECyCC",
     "Dirección Ejecutiva de Educación Cívica y Construcción de Ciudadanía (DEECyCC)", "SE"),
    ("UTCSD", "Unidad Técnica de Comunicación Social y Difusión", K.TECHNICAL, "UTCSyD", None, "SE"),
    ("UTSI", "Unidad Técnica de Servicios Informáticos", K.TECHNICAL, "UTSI", None, "SE"),
    ("UTALAOD", "Unidad Técnica de Archivo, Logística y Apoyo a Órganos Desconcentrados",
     K.TECHNICAL, "UTALAOD", None, "SE"),
    ("UTAJ", "Unidad Técnica de Asuntos Jurídicos", K.TECHNICAL, "UTAJ", None, "SE"),
    ("UTCFD", "Unidad Técnica Centro de Formación y Desarrollo", K.TECHNICAL, "UTCFyD", None, "SE"),
    ("CI", "Contraloría Interna", K.CONTROL, "CI", None, "CG"),
)

DISTRICTS = 33


def district(n: int) -> str:
    return f"DD-{n:02d}"


# login, name, unit, position, role
PEOPLE: tuple[tuple[str, str, str, str, str], ...] = (
    ("lhernandez", "Laura Hernández Ruiz", "SA", "Coordinadora de Calidad del SGCE", Role.COORDINATOR),
    ("mtorres", "Miguel Ángel Torres Aguilar", "SA",
     "Secretario Administrativo; representante de la alta dirección ante el SGCE", Role.COORDINATOR),
    ("jmartinez", "Jorge Martínez Solís", "UTSI", "Administrador del sistema qms", Role.ADMIN),
    ("rcastillo", "Rocío Castillo Méndez", "SE", "Secretaria Ejecutiva", Role.PROCESS_OWNER),
    ("agarcia", "Alejandro García Pineda", "DEAPYF", "Director Ejecutivo", Role.PROCESS_OWNER),
    ("ovargas", "Óscar Vargas Olvera", "DEOEYG", "Director Ejecutivo", Role.PROCESS_OWNER),
    ("pmendoza", "Patricia Mendoza Ríos", "DEPCYC", "Directora Ejecutiva", Role.PROCESS_OWNER),
    ("csanchez", "Claudia Sánchez Ibarra", "DEGDHECYCC", "Directora Ejecutiva", Role.PROCESS_OWNER),
    ("fnavarro", "Fernando Navarro Cruz", "UTAJ", "Titular de la Unidad Técnica", Role.PROCESS_OWNER),
    ("dflores", "Daniel Flores Quintero", "UTSI", "Titular de la Unidad Técnica", Role.PROCESS_OWNER),
    ("mjimenez", "Mariana Jiménez Lara", "UTCSD", "Titular de la Unidad Técnica", Role.PROCESS_OWNER),
    ("groman", "Gabriela Román Esquivel", "SA", "Directora de Recursos Humanos", Role.PROCESS_OWNER),
    ("ereyes", "Elena Reyes Montaño", "SA",
     "Directora de Recursos Materiales, Abastecimientos y Servicios", Role.PROCESS_OWNER),
    ("ajuarez", "Arturo Juárez Téllez", "DD-14", "Subdirector de Educación Cívica; auditor interno",
     Role.AUDITOR),
    ("srodriguez", "Sofía Rodríguez Beltrán", "UTCFD", "Jefa de Departamento; auditora líder interna",
     Role.AUDITOR),
    ("vmorales", "Verónica Morales Estrada", "DD-05", "Secretaria de Órgano Desconcentrado; auditora interna",
     Role.AUDITOR),
    ("hgutierrez", "Héctor Gutiérrez Paredes", "SE", "Analista; auditor interno", Role.AUDITOR),
    ("nramos", "Natalia Ramos Villegas", "UTALAOD", "Líder de proyecto; auditora interna", Role.AUDITOR),
    ("eortega", "Eduardo Ortega Salinas", "DD-14", "Titular de Órgano Desconcentrado", Role.READER),
    ("ksilva", "Karla Silva Domínguez", "DD-14", "Técnica de Órgano Desconcentrado", Role.READER),
    ("bcervantes", "Bruno Cervantes Ávila", "DD-14", "Secretario de Órgano Desconcentrado", Role.READER),
    ("ymedina", "Yolanda Medina Carrillo", "DEPCYC", "Subdirectora de Mecanismos de Participación",
     Role.PROCESS_OWNER),
    ("rpineda", "Rubén Pineda Soto", "DEPCYC", "Jefe de Departamento de Presupuesto Participativo",
     Role.READER),
    ("itrejo", "Irma Trejo Nava", "CI", "Auditora de la Contraloría Interna (observadora)", Role.READER),
)

#: Internal auditors: they own no audited process (ISO 9001 9.2.2 e).
AUDITORS = ("srodriguez", "ajuarez", "vmorales", "hgutierrez", "nramos")


def load(ctx: Ctx) -> None:
    s, who = ctx.session, ctx.system
    for code, name, kind, acronym, aliases, parent in UNITS:
        ctx.keep(f"uo.{code}", org.create_org_unit(s, who, {
            "code": code, "name": name, "kind": kind, "acronym": acronym,
            "aliases": aliases, "parent": parent,
        }))
    for n in range(1, DISTRICTS + 1):
        ctx.keep(f"uo.{district(n)}", org.create_org_unit(s, who, {
            "code": district(n), "name": f"Dirección Distrital {n}", "kind": K.DISTRICT,
            "acronym": f"DD{n:02d}", "parent": "SE", "district_no": n,
        }))
    for login, name, unit, position, role in PEOPLE:
        dto = org.create_person(s, who, {
            "code": login, "name": name, "email": f"{login}@iecm.mx", "org_unit": unit,
            "position": position, "role": role, "active": True,
        })
        ctx.keep(f"p.{login}", dto)
        ctx.actors[login] = Actor(login=login, role=role, name=name, person_id=dto.id)


def add_operator(ctx: Ctx, login: str) -> None:
    """The person trying the demo, as a quality coordinator of the Secretaría Administrativa."""
    org.create_person(ctx.session, ctx.system, {
        "code": login, "name": f"Coordinación de calidad ({login})", "org_unit": "SA",
        "position": "Persona usuaria de la demostración", "role": Role.COORDINATOR, "active": True,
    })
