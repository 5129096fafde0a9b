"""The workflow of a version, as data: states, and (state, action) -> (new state, roles, rules)."""
from dataclasses import dataclass

STATES = {
    "borrador": "Borrador",              # being drafted; the only state a return leads back to
    "en_revision": "En revisión",        # awaiting the reviewer
    "en_aprobacion": "En aprobación",    # awaiting the persona titular
    "aprobado": "Aprobado",              # approved; formats still need validation
    "validado": "Validado",              # a format validated by the competent unit
    "publicado": "Publicado",            # published with its vigencia
    "sustituido": "Sustituido",          # a later version took over from its vigente_desde
    "abrogado": "Abrogado",              # the document's vigencia was ended
}


@dataclass(frozen=True)
class Step:
    to: str
    roles: tuple
    label: str
    needs_comment: bool = False      # a return or rejection must say why
    separate_from_author: bool = False  # segregation of duties
    only_formats: bool | None = None  # True: formats only; False: never for formats; None: any


TRANSITIONS = {
    ("borrador", "enviar_revision"): Step("en_revision", ("normativo",), "Enviar a revisión"),
    ("en_revision", "aprobar_revision"): Step("en_aprobacion", ("revisor",), "Aprobar revisión",
                                              separate_from_author=True),
    ("en_revision", "devolver"): Step("borrador", ("revisor",), "Devolver con comentarios",
                                      needs_comment=True, separate_from_author=True),
    ("en_aprobacion", "aprobar"): Step("aprobado", ("titular",), "Aprobar", separate_from_author=True),
    ("en_aprobacion", "rechazar"): Step("borrador", ("titular",), "Rechazar con comentarios",
                                        needs_comment=True, separate_from_author=True),
    ("aprobado", "validar"): Step("validado", ("validador",), "Validar formato", only_formats=True,
                                  separate_from_author=True),
    ("aprobado", "publicar"): Step("publicado", ("normativo",), "Publicar", only_formats=False),
    ("validado", "publicar"): Step("publicado", ("normativo",), "Publicar", only_formats=True),
    ("publicado", "abrogar"): Step("abrogado", ("titular",), "Abrogar", needs_comment=True),
    ("sustituido", "abrogar"): Step("abrogado", ("titular",), "Abrogar", needs_comment=True),
}

ACTIONS = sorted({action for _state, action in TRANSITIONS})
IN_PROGRESS = ("borrador", "en_revision", "en_aprobacion", "aprobado", "validado")


def allowed_actions(state: str, is_format: bool) -> list[str]:
    """Actions possible from a state (for any role)."""
    return [action for (s, action), step in TRANSITIONS.items()
            if s == state and (step.only_formats is None or step.only_formats == is_format)]


def step_for(state: str, action: str, is_format: bool) -> Step | None:
    step = TRANSITIONS.get((state, action))
    if step is None or (step.only_formats is not None and step.only_formats != is_format):
        return None
    return step
