"""The workflow of a version, as data: states, and (state, action) -> (new state, roles, rules), and
the one predicate of who may take an action (used by the operation, the inbox and the pages).
A leaf module: it imports nothing of the service, so documents can read its state sets."""
from dataclasses import dataclass

STATES = {  # code -> Spanish label; a state is a version's, so the label agrees with «versión»
    "borrador": "Borrador",              # being drafted; the only state a return leads back to
    "en_revision": "En revisión",        # awaiting the reviewer
    "en_aprobacion": "En aprobación",    # awaiting the persona titular
    "aprobado": "Aprobada",              # approved; formats still need validation
    "validado": "Validada",              # a format validated by the competent unit
    "publicado": "Publicada",            # published with its vigencia
    "sustituido": "Sustituida",          # a later version took over from its vigente_desde
    "abrogado": "Abrogada",              # the document's vigencia was ended
}
ACTION_LABELS = {  # what the button says; labels.py adds how the log reads once done
    "enviar_revision": "Enviar a revisión",
    "aprobar_revision": "Aprobar revisión",
    "devolver": "Devolver con comentarios",
    "aprobar": "Aprobar",
    "rechazar": "Rechazar con comentarios",
    "validar": "Validar formato",
    "publicar": "Publicar",
    "abrogar": "Abrogar",
    "sustituir": "Sustituir",
}


@dataclass(frozen=True)
class Step:
    to: str
    roles: tuple
    needs_comment: bool = False      # a return or rejection must say why
    separate_from_author: bool = False  # segregation of duties
    only_formats: bool | None = None  # True: formats only; False: never for formats; None: any


TRANSITIONS = {
    ("borrador", "enviar_revision"): Step("en_revision", ("normativo",)),
    ("en_revision", "aprobar_revision"): Step("en_aprobacion", ("revisor",),
                                              separate_from_author=True),
    ("en_revision", "devolver"): Step("borrador", ("revisor",),
                                      needs_comment=True, separate_from_author=True),
    ("en_aprobacion", "aprobar"): Step("aprobado", ("titular",), separate_from_author=True),
    ("en_aprobacion", "rechazar"): Step("borrador", ("titular",),
                                        needs_comment=True, separate_from_author=True),
    ("aprobado", "validar"): Step("validado", ("validador",), only_formats=True,
                                  separate_from_author=True),
    ("aprobado", "publicar"): Step("publicado", ("normativo",), only_formats=False),
    ("validado", "publicar"): Step("publicado", ("normativo",), only_formats=True),
    ("publicado", "abrogar"): Step("abrogado", ("titular",), needs_comment=True),
    ("sustituido", "abrogar"): Step("abrogado", ("titular",), needs_comment=True),
}

ACTIONS = sorted({action for _state, action in TRANSITIONS})
IN_PROGRESS = ("borrador", "en_revision", "en_aprobacion", "aprobado", "validado")  # still in the workflow
PUBLISHED_STATES = ("publicado", "sustituido", "abrogado")  # published at some point: visible to everyone


def allowed_actions(state: str, is_format: bool) -> list[str]:
    """Actions possible from a state (for any role)."""
    return [action for (s, action), step in TRANSITIONS.items()
            if s == state and (step.only_formats is None or step.only_formats == is_format)]


def step_for(state: str, action: str, is_format: bool) -> Step | None:
    step = TRANSITIONS.get((state, action))
    if step is None or (step.only_formats is not None and step.only_formats != is_format):
        return None
    return step


def refusal(user, version, action: str) -> str | None:
    """Why `user` may not take `action` on `version` now (a Spanish sentence), or None if it may.
    The action must exist from the version's state (see `step_for`)."""
    step = step_for(version.estado, action, version.document.tipo == "formato")
    if step is None:
        return (f"No se puede «{ACTION_LABELS.get(action, action[:40])}» una versión en estado "
                f"«{STATES.get(version.estado, version.estado)}».")
    if not user.has_role(*step.roles):
        return f"La acción «{ACTION_LABELS[action]}» corresponde a otro rol."
    if step.separate_from_author and version.autor_id == user.id:
        return "Quien elaboró la versión no puede revisarla, aprobarla ni validarla."
    return None


def can_apply(user, version, action: str) -> bool:
    """The one predicate of who may take an action on a version: state, role and segregation of duties."""
    return refusal(user, version, action) is None


def actions_for(user, version) -> list[str]:
    """The actions `user` may take on `version` now."""
    return [a for a in allowed_actions(version.estado, version.document.tipo == "formato")
            if can_apply(user, version, a)]
