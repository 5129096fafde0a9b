"""Trámites on a credit (or a patrón): aclaración administrativa, devolución (A: cuotas IMSS, B: RCV),
cancelación (prescripción, caducidad, Acuerdo 469/2005), impedimento de cobro, convenio de pago.
Each is filed with its data and documents and resolved procedente / improcedente / parcial; a
procedente resolution applies its transition through the phase table (its guards included)."""
import json
from datetime import date
from decimal import Decimal

from ..core.db import db, utcnow
from ..core.errors import Conflict, InvalidInput, NotFound
from . import rules
from .models import CreditDocument, Patron, Tramite
from .operations import record_event, require_actor, transition
from .signals import tramite_filed, tramite_resolved

TIPOS = {
    "aclaracion": "Aclaración administrativa (IMSS-02-069)",
    "devolucion_a": "Devolución de cuotas, modalidad A (cuotas IMSS)",
    "devolucion_b": "Devolución de cuotas, modalidad B (RCV)",
    "cancelacion_prescripcion": "Cancelación por prescripción",
    "cancelacion_caducidad": "Cancelación por caducidad",
    "cancelacion_469": "Cancelación en cuentas (Acuerdo 469/2005)",
    "impedimento": "Impedimento de cobro (huelga, concurso mercantil)",
    "convenio": "Convenio de pago a plazos (IMSS-02-089)",
}
RESULTADOS = {"procedente": "Procedente", "improcedente": "Improcedente", "parcial": "Procedente en parte"}
NEEDS_CREDIT = {"aclaracion", "cancelacion_prescripcion", "cancelacion_caducidad", "cancelacion_469",
                "impedimento", "convenio"}
# A procedente resolution applies: (action, motivo taken from datos or fixed).
EFFECTS = {"aclaracion": ("cancelar_por_aclaracion", "aclaracion_procedente"),
           "cancelacion_prescripcion": ("prescribir", "prescripcion"),
           "cancelacion_caducidad": ("caducar", "caducidad"),
           "cancelacion_469": ("cancelar_en_cuentas", None), "impedimento": ("impedir", None),
           "convenio": ("convenir", None)}
MAX_PARCIALIDADES = 48


def _check_datos(tipo: str, credit, datos: dict) -> dict:
    """The type's own fields, validated; returns only what is kept."""
    if tipo == "cancelacion_469":
        if datos.get("motivo") not in ("insolvencia", "incosteabilidad", "no_localizacion"):
            raise InvalidInput("Indique el supuesto del Acuerdo 469/2005.", code="motivo_requerido",
                               errors={"motivo": ["Debe ser insolvencia, incosteabilidad o no_localizacion."]})
        return {"motivo": datos["motivo"]}
    if tipo == "impedimento":
        if datos.get("motivo") not in ("huelga", "concurso_mercantil"):
            raise InvalidInput("Indique el impedimento.", code="motivo_requerido",
                               errors={"motivo": ["Debe ser huelga o concurso_mercantil."]})
        return {"motivo": datos["motivo"]}
    if tipo == "convenio":
        modalidad = datos.get("modalidad")
        if modalidad not in ("diferido", "parcialidades"):
            raise InvalidInput("Indique la modalidad del convenio.", errors={"modalidad": ["diferido o parcialidades."]})
        if credit.concepto == "RCV" and modalidad != "diferido":
            raise InvalidInput("Para RCV solo procede el pago diferido.", code="convenio_rcv_diferido",
                               errors={"modalidad": ["RCV: solo diferido."]})
        parcialidades = datos.get("parcialidades") or 1
        if not isinstance(parcialidades, int) or not 1 <= parcialidades <= MAX_PARCIALIDADES:
            raise InvalidInput("Las parcialidades van de 1 a 48.", errors={"parcialidades": ["De 1 a 48."]})
        if modalidad == "parcialidades":
            inicial = Decimal(str(datos.get("pago_inicial") or 0))
            if inicial < (credit.saldo * Decimal("0.20")).quantize(Decimal("0.01")):
                raise InvalidInput("El convenio en parcialidades requiere un pago inicial de al menos 20 % del saldo.",
                                   code="pago_inicial_insuficiente", errors={"pago_inicial": ["Al menos 20 % del saldo."]})
            return {"modalidad": modalidad, "parcialidades": parcialidades, "pago_inicial": str(inicial)}
        return {"modalidad": modalidad, "parcialidades": 1}
    if tipo in ("devolucion_a", "devolucion_b"):
        importe = Decimal(str(datos.get("importe_solicitado") or 0))
        if importe <= 0:
            raise InvalidInput("Indique el importe solicitado.", errors={"importe_solicitado": ["Debe ser mayor que cero."]})
        return {"importe_solicitado": str(importe)}
    return {}


def file_tramite(actor, *, tipo: str, patron: Patron, credit=None, fecha_presentacion: date | None = None,
                 datos: dict | None = None, formato: str | None = None, documentos=()) -> Tramite:
    if tipo not in TIPOS:
        raise InvalidInput("Tipo de trámite no válido.", errors={"tipo": ["Debe ser uno de: " + ", ".join(TIPOS)]})
    if tipo in NEEDS_CREDIT and credit is None:
        raise InvalidInput("Este trámite se presenta sobre un crédito.", errors={"credito": ["Este dato es obligatorio."]})
    if credit is not None:
        require_actor(actor, credit)
    elif not actor.has_role("operativo") or actor.unidad_id != patron.unidad_id:
        from ..core.errors import NotAllowed
        raise NotAllowed("Solo un operativo de la Subdelegación del patrón puede registrar el trámite.",
                         code="unidad_no_responsable")
    day = rules.today()
    fecha = fecha_presentacion or day
    if fecha > day:
        raise InvalidInput("La fecha de presentación no puede ser futura.", errors={"fecha_presentacion": ["Fecha futura."]})
    kept = _check_datos(tipo, credit, datos or {})
    if credit is not None and any(t.estado == "en_tramite" and t.tipo == tipo for t in open_tramites(credit)):
        raise Conflict("Ya hay un trámite de ese tipo en curso para el crédito.", code="tramite_en_curso")
    tramite = Tramite(tipo=tipo, patron_id=patron.id, credito_id=credit.id if credit else None,
                      unidad_id=credit.unidad_id if credit else patron.unidad_id, fecha_presentacion=fecha,
                      datos=json.dumps(kept), formato=(formato or None) and formato[:64], solicitado_por_id=actor.id)
    db.session.add(tramite)
    db.session.flush()
    for document in documentos:
        db.session.add(CreditDocument(patron_id=patron.id, credito_id=tramite.credito_id, tramite_id=tramite.id,
                                      subido_por_id=actor.id, **document))
    if credit is not None:
        detalle = {"tramite_id": tramite.id, "tipo": tipo}
        if tipo == "aclaracion":
            suspends = (credit.fase == "NOTIFICADO" and credit.fecha_notificacion is not None
                        and fecha <= rules.limite_aclaracion(credit.fecha_notificacion))
            credit.en_aclaracion = suspends  # the flag means: the payment term is suspended
            detalle["suspende_plazo"] = suspends
            if not suspends:
                detalle["nota"] = "Presentada fuera de 5 días hábiles: no suspende el plazo; requiere garantía."
        record_event(actor, credit, "tramite", de=credit.fase, a=credit.fase, fecha=fecha,
                     inc="03" if tipo == "aclaracion" else ("05" if tipo == "convenio" else None),
                     comentario=TIPOS[tipo], detalle=detalle)
    tramite_filed.send(tramite, actor=actor, tipo=tipo, nrp=patron.nrp, numero=credit.numero if credit else None)
    return tramite


def open_tramites(credit):
    from sqlalchemy import select
    return db.session.scalars(select(Tramite).where(Tramite.credito_id == credit.id)).all()


def resolve_tramite(actor, tramite: Tramite, *, resultado: str, resolucion: str, importe: Decimal | None = None,
                    documentos=()) -> Tramite:
    if resultado not in RESULTADOS:
        raise InvalidInput("Resultado no válido.", errors={"resultado": ["procedente, improcedente o parcial."]})
    if tramite.estado != "en_tramite":
        raise Conflict("El trámite ya fue resuelto.", code="tramite_ya_resuelto", estado=tramite.estado)
    credit = tramite.credito
    if credit is not None:
        require_actor(actor, credit)
    elif not actor.has_role("operativo") or actor.unidad_id != tramite.unidad_id:
        from ..core.errors import NotAllowed
        raise NotAllowed("Solo un operativo de la unidad del trámite puede resolverlo.", code="unidad_no_responsable")
    if not (resolucion or "").strip():
        raise InvalidInput("Escriba el sentido y fundamento de la resolución.", code="resolucion_requerida",
                           errors={"resolucion": ["Este dato es obligatorio."]})
    if resultado == "parcial" and tramite.tipo not in ("aclaracion", "devolucion_a", "devolucion_b"):
        raise InvalidInput("Solo una aclaración o una devolución puede resolverse en parte.",
                           errors={"resultado": ["procedente o improcedente."]})
    if resultado == "parcial" or (resultado == "procedente" and tramite.tipo.startswith("devolucion")):
        if importe is None or importe < 0:
            raise InvalidInput("Indique el importe resuelto.", errors={"importe": ["Este dato es obligatorio."]})
    datos = json.loads(tramite.datos or "{}")
    if credit is not None:
        if tramite.tipo == "aclaracion":
            credit.en_aclaracion = False
        if resultado == "procedente" and tramite.tipo in EFFECTS:
            accion, motivo = EFFECTS[tramite.tipo]
            system = accion == "cancelar_por_aclaracion"
            transition(actor, credit, accion, motivo=motivo or datos.get("motivo"), fundamento=TIPOS[tramite.tipo],
                       comentario=resolucion, documentos=documentos, system=system)
        elif resultado == "parcial" and tramite.tipo == "aclaracion":
            _adjust(actor, credit, importe, resolucion)
    tramite.estado, tramite.resolucion = resultado, resolucion[:5000]
    tramite.importe_resuelto = importe
    tramite.resuelto, tramite.resuelto_por_id = utcnow(), actor.id
    if credit is not None:
        record_event(actor, credit, "resolver_tramite", de=credit.fase, a=credit.fase, fecha=rules.today(),
                     comentario=resolucion, detalle={"tramite_id": tramite.id, "tipo": tramite.tipo,
                                                    "resultado": resultado})
    db.session.flush()
    tramite_resolved.send(tramite, actor=actor, tipo=tramite.tipo, resultado=resultado)
    return tramite


def _adjust(actor, credit, nuevo_total: Decimal, resolucion: str):
    """Aclaración procedente en parte: the credit's total becomes the amount resolved."""
    pagado = credit.importe_total - credit.saldo
    if nuevo_total > credit.importe_total:
        raise InvalidInput("Una aclaración no puede aumentar el crédito.", errors={"importe": ["Mayor que el total."]})
    anterior = credit.importe_total
    credit.importe_historico -= anterior - nuevo_total
    if credit.importe_historico < 0:
        credit.importe_historico = Decimal("0.00")
    credit.importe_total = nuevo_total
    credit.saldo = max(nuevo_total - pagado, Decimal("0.00"))
    record_event(actor, credit, "ajustar_importe", de=credit.fase, a=credit.fase, fecha=rules.today(),
                 comentario=resolucion, detalle={"total_anterior": str(anterior), "total_nuevo": str(nuevo_total)})


def get_tramite(tramite_id: int) -> Tramite:
    if not 0 < tramite_id < 2**63:  # beyond what the database stores
        raise NotFound()
    tramite = db.session.get(Tramite, tramite_id)
    if tramite is None:
        raise NotFound()
    return tramite
