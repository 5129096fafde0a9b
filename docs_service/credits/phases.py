"""The collection process as data (DOMAIN.md §2.3): main phases, and one table
(phase, action) -> Step(new phase, roles, guards, INC code, default fundamento).

Guards are names resolved in rules.py, so the table stays declarative; system-only steps (a payment
that covers the saldo) have no roles and are never offered to a person."""
from dataclasses import dataclass, field

PHASES = {
    "EMITIDO": "Emitido",                        # cédula generated, not yet notified (INC 01)
    "EN_NOTIFICACION": "En notificación",        # citatorio left / diligence pending
    "NO_LOCALIZADO": "No localizado",            # patrón not found at its domicile (INC 09)
    "NOTIFICADO": "Notificado",                  # 15 días hábiles payment term running (INC 02)
    "EXIGIBLE": "Exigible",                      # term elapsed, unpaid, no suspension
    "PAE_REQUERIDO": "PAE: requerido",           # mandamiento / requerimiento served (INC 31)
    "PAE_EMBARGADO": "PAE: embargado",           # any embargo (INC 32–35, 43)
    "PAE_REMATE": "PAE: remate",                 # avalúo, convocatoria, remate in progress
    "CONVENIO": "Convenio de pago",              # convenio vigente (INC 52)
    "IMPEDIMENTO": "Impedimento de cobro",       # huelga / concurso mercantil
    "CONTROVERTIDO": "Controvertido",            # inconformidad (06) / juicio de nulidad (14)
    "EN_TRASLADO": "En traslado",                # sent to another unit, pending acceptance (INC 13)
    "PAGADO": "Pagado",                          # terminal: paid
    "CANCELADO": "Cancelado",                    # terminal: aclaración procedente, prescripción, caducidad, nulidad
    "CANCELADO_EN_CUENTAS": "Cancelado en cuentas",  # Acuerdo 469/2005, reactivable
}
TERMINAL = ("PAGADO", "CANCELADO")
ACTIVE = tuple(p for p in PHASES if p not in TERMINAL and p != "CANCELADO_EN_CUENTAS")
# Collection still open: payments apply, prescripción runs.
NON_TERMINAL = tuple(p for p in PHASES if p not in TERMINAL)

MOTIVOS = {
    "aclaracion_procedente": "Aclaración procedente",
    "prescripcion": "Prescripción (LSS art. 298; CFF art. 146)",
    "caducidad": "Caducidad (LSS art. 297)",
    "nulidad": "Nulidad por resolución firme",
    "insolvencia": "Insolvencia (Acuerdo 469/2005)",
    "incosteabilidad": "Incosteabilidad (Acuerdo 469/2005)",
    "no_localizacion": "No localización (Acuerdo 469/2005)",
    "huelga": "Huelga (LFT art. 924)",
    "concurso_mercantil": "Concurso mercantil (LSS art. 288)",
    "inconformidad": "Recurso de inconformidad (LSS art. 294)",
    "juicio_nulidad": "Juicio de nulidad (LSS art. 295)",
    "pago": "Pago",
}
EMBARGOS = {"muebles_depositaria_ajena": "32", "muebles_depositaria_imss": "33", "inmuebles": "34",
            "negociacion": "35", "depositos_bancarios": "43"}
EMBARGO_LABELS = {"muebles_depositaria_ajena": "Bienes muebles, depositaría ajena al IMSS",
                  "muebles_depositaria_imss": "Bienes muebles, depositaría IMSS", "inmuebles": "Bienes inmuebles",
                  "negociacion": "Negociación (intervención con cargo a la caja)",
                  "depositos_bancarios": "Depósitos bancarios"}
OPERATIVO = ("operativo",)


@dataclass(frozen=True)
class Step:
    to: str
    label: str
    roles: tuple = OPERATIVO
    inc: str | None = None                     # official incidencia code recorded on the event
    fundamento: str = ""                      # default legal basis (the user may add detail)
    guards: tuple = ()                        # names in rules.GUARDS, checked in order
    motivos: tuple = ()                       # allowed reasons (the user must pick one when not empty)
    interrumpe: bool = False                  # a gestión de cobro that restarts prescripción (CFF 146)
    fields: tuple = field(default=())         # extra inputs: "fecha_notificacion", "tipo_embargo"


PAE = ("PAE_REQUERIDO", "PAE_EMBARGADO")
_PRESCRIBIR = Step("CANCELADO", "Cancelar por prescripción", guards=("prescripcion",), motivos=("prescripcion",),
                   fundamento="LSS art. 298; CFF art. 146; Acuerdo 470/2005")

TRANSITIONS: dict[tuple[str, str], Step] = {
    ("EMITIDO", "iniciar_notificacion"): Step("EN_NOTIFICACION", "Iniciar notificación",
                                              fundamento="CFF arts. 134 y 137; LSS art. 9"),
    ("NO_LOCALIZADO", "iniciar_notificacion"): Step("EN_NOTIFICACION", "Notificar en nuevo domicilio",
                                                    fundamento="CFF arts. 134 y 137"),
    ("EN_NOTIFICACION", "notificar"): Step("NOTIFICADO", "Registrar notificación", inc="02",
                                           fundamento="LSS art. 39-C; CFF art. 137",
                                           fields=("fecha",), guards=("fecha_no_futura",)),
    ("EN_NOTIFICACION", "no_localizar"): Step("NO_LOCALIZADO", "Patrón no localizado", inc="09"),
    ("PAE_REQUERIDO", "no_localizar"): Step("NO_LOCALIZADO", "Patrón no localizado", inc="09"),
    ("NOTIFICADO", "declarar_exigible"): Step("EXIGIBLE", "Declarar exigible (plazo vencido)",
                                              fundamento="LSS art. 39-D (15 días hábiles)",
                                              guards=("plazo_vencido", "sin_aclaracion")),
    ("EXIGIBLE", "requerir"): Step("PAE_REQUERIDO", "Requerir pago (mandamiento de ejecución)", inc="31",
                                   fundamento="LSS art. 291; CFF arts. 145 y 151", interrumpe=True,
                                   guards=("pae_no_suspendido",)),
    ("PAE_REQUERIDO", "embargar"): Step("PAE_EMBARGADO", "Registrar embargo", fields=("tipo_embargo",),
                                        fundamento="CFF arts. 151, 155 y 160", interrumpe=True,
                                        guards=("pae_no_suspendido",)),
    ("PAE_EMBARGADO", "rematar"): Step("PAE_REMATE", "Iniciar remate (avalúo y convocatoria)",
                                       fundamento="CFF arts. 173–176", interrumpe=True,
                                       guards=("pae_no_suspendido",)),
    ("PAE_REMATE", "declarar_saldo_insoluto"): Step("EXIGIBLE", "Saldo insoluto tras el remate",
                                                    fundamento="CFF art. 196-A"),
    **{(p, "convenir"): Step("CONVENIO", "Registrar convenio de pago", inc="52",
                             fundamento="LSS arts. 40-C y 40-D; RACERF art. 135", interrumpe=True)
       for p in ("NOTIFICADO", "EXIGIBLE", "PAE_REQUERIDO", "PAE_EMBARGADO", "IMPEDIMENTO")},
    ("CONVENIO", "incumplir_convenio"): Step("EXIGIBLE", "Convenio incumplido (saldo exigible)",
                                             fundamento="RACERF art. 138"),
    ("NOTIFICADO", "controvertir"): Step("CONTROVERTIDO", "Medio de defensa interpuesto",
                                         motivos=("inconformidad", "juicio_nulidad"), fundamento="LSS arts. 294 y 295"),
    ("EXIGIBLE", "controvertir"): Step("CONTROVERTIDO", "Medio de defensa interpuesto",
                                       motivos=("inconformidad", "juicio_nulidad"), fundamento="LSS arts. 294 y 295"),
    **{(p, "controvertir"): Step("CONTROVERTIDO", "Medio de defensa interpuesto (con garantía)",
                                 motivos=("inconformidad", "juicio_nulidad"), guards=("garantizado",),
                                 fundamento="LSS arts. 294 y 295; CFF arts. 141 y 144")
       for p in PAE + ("PAE_REMATE",)},
    ("CONTROVERTIDO", "anular"): Step("CANCELADO", "Nulidad por resolución firme", motivos=("nulidad",)),
    ("CONTROVERTIDO", "confirmar"): Step("EXIGIBLE", "Resolución confirma el crédito"),
    ("CONTROVERTIDO", "reponer_notificacion"): Step("NOTIFICADO", "Reposición de la notificación",
                                                    fields=("fecha",), guards=("fecha_no_futura",)),
    **{(p, "impedir"): Step("IMPEDIMENTO", "Impedimento de cobro", motivos=("huelga", "concurso_mercantil"),
                            fundamento="LFT art. 924; LSS art. 288")
       for p in ("EXIGIBLE",) + PAE},
    ("IMPEDIMENTO", "levantar_impedimento"): Step("EXIGIBLE", "Termina el impedimento"),
    **{(p, "cancelar_en_cuentas"): Step("CANCELADO_EN_CUENTAS", "Cancelar en cuentas (Acuerdo 469/2005)",
                                        motivos=("insolvencia", "incosteabilidad", "no_localizacion"),
                                        fundamento="Acuerdo 469/2005")
       for p in ("NO_LOCALIZADO", "IMPEDIMENTO", "EXIGIBLE")},
    ("CANCELADO_EN_CUENTAS", "reactivar"): Step("EXIGIBLE", "Reactivar (patrón localizado o con bienes)",
                                                fundamento="Acuerdo 469/2005; CFF art. 146-A"),
    **{(p, "caducar"): Step("CANCELADO", "Cancelar por caducidad", guards=("caducidad",), motivos=("caducidad",),
                            fundamento="LSS art. 297; Acuerdo 470/2005")
       for p in ("EMITIDO", "EN_NOTIFICACION", "NOTIFICADO")},
    **{(p, "prescribir"): _PRESCRIBIR for p in NON_TERMINAL if p != "EN_TRASLADO"},
    # Through a trámite only (its resolution applies them): aclaración procedente.
    **{(p, "cancelar_por_aclaracion"): Step("CANCELADO", "Cancelar por aclaración procedente", roles=(),
                                            motivos=("aclaracion_procedente",), fundamento="LSS art. 39-D; RACERF art. 151")
       for p in ("NOTIFICADO", "EXIGIBLE") + PAE},
    # System steps: a payment (conciliated or certified) that covers the saldo.
    **{(p, "pagar"): Step("PAGADO", "Pagado", roles=(), motivos=("pago",)) for p in NON_TERMINAL},
}
# Steps that happen through a traslado (operations.transfers), listed for the timeline labels.
TRANSFER_ACTIONS = {"enviar_traslado": "Enviado a traslado", "aceptar_traslado": "Traslado aceptado",
                    "rechazar_traslado": "Traslado rechazado"}
OTHER_ACTIONS = {"importar": "Alta por importación", "registrar": "Alta", "aplicar_pago": "Pago aplicado",
                 "tramite": "Trámite", "resolver_tramite": "Trámite resuelto", "ajustar_importe": "Importe ajustado",
                 "garantizar": "Interés fiscal garantizado", "suspender_pae": "PAE suspendido",
                 "reanudar_pae": "PAE reanudado", **TRANSFER_ACTIONS}
ACTIONS = sorted({a for _p, a in TRANSITIONS})


def step_for(phase: str, action: str) -> Step | None:
    return TRANSITIONS.get((phase, action))


def actions_from(phase: str, user=None) -> list[str]:
    """Actions a person may request from a phase (system-only steps excluded)."""
    return [a for (p, a), step in TRANSITIONS.items()
            if p == phase and step.roles and (user is None or user.has_role(*step.roles))]


def action_label(action: str) -> str:
    for (_p, a), step in TRANSITIONS.items():
        if a == action:
            return step.label
    return OTHER_ACTIONS.get(action, action)
