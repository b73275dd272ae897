"""The IECM's own texts (seed file ``../shared/seeds/000_e18ae8f6df587a44.txt``), VERBATIM:
the quality policy and the four quality objectives. Do not edit: the demo test compares them
with the seed file character by character."""

from __future__ import annotations

#: The quality policy as published by the IECM (the text between the quotes of the seed).
POLICY_TEXT = (
    "En el Instituto Electoral de la Ciudad de México, estamos comprometidas y comprometidos "
    "a administrar elecciones locales íntegras; conducir mecanismos de participación "
    "ciudadana incluyentes, y promover en las y los habitantes de la Ciudad de México, la "
    "cultura democrática, la participación y el ejercicio pleno de la ciudadanía, en apego a "
    "los principios rectores de la función electoral, cumpliendo con los requisitos legales y "
    "reglamentarios, y mejorando continuamente la eficacia de nuestro Sistema de Gestión de "
    "Calidad Electoral"
)

#: The four quality objectives, in the IECM's order.
OBJECTIVES: tuple[str, ...] = (
    (
        "Cumplir de forma sobresaliente con las atribuciones y funciones exclusivas del Instituto "
        "Electoral de la Ciudad de México."
    ),
    (
        "Incrementar la eficiencia de las actividades institucionales que se realizan en "
        "colaboración con otras autoridades."
    ),
    (
        "Certificar procesos del Instituto Electoral de la Ciudad de México para garantizar su "
        "desarrollo conforme a estándares nacionales e internacionales."
    ),
    (
        "Asegurar la mejora del Sistema de Gestión Electoral a través de la instrumentación de "
        "proyectos de mejora coordinados a través de círculos de calidad."
    ),
)

#: Mission statement and commitments that precede the policy in the seed (one item a paragraph).
MISSION_PARAGRAPHS: tuple[str, ...] = (
    "Somos la autoridad electoral, depositaria de la función estatal de organizar las elecciones en la Ciudad de México y los procedimientos de participación ciudadana.",
    "Como organismo público autónomo, desde hace dos décadas, contribuimos a fortalecer el régimen de partidos políticos y agrupaciones políticas locales; trabajamos en la construcción de una ciudadanía más democrática y participativa.",
    "Gozamos de la confianza y el respeto de la ciudadanía por ejercer su autoridad con apego a los principios rectores de la función estatal electoral, por su capacidad de interlocución con los actores políticos y sociales, y por su conocimiento experto en materia electoral. La transparencia y la rendición de cuentas son principios plenamente incorporados en la actuación institucional del IECM",
    "Somos una institución que busca estar a la vanguardia. Nuestra visión se apoya en el desarrollo social y político, la sustentabilidad y el cuidado al medio ambiente, a través de la aplicación de herramientas tecnológicas que eficientan y facilitan nuestros procesos organizacionales.",
    "Nuestro compromiso es contigo, con la legalidad, la certeza y la justicia.",
)
MISSION = "\n\n".join(MISSION_PARAGRAPHS)


def objective_titles() -> tuple[str, ...]:
    return OBJECTIVES
