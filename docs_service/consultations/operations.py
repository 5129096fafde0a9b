"""Business rules of consultas: register (routing and due date), turn, analyse, answer with
citations of exact published versions, start a criterio normativo draft, and flag answers whose
cited versions stopped being in force."""
import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from ..accounts.catalog import CENTRAL_CLAVE
from ..accounts.models import Unit, User
from ..core import signals as core_signals
from ..core.db import db, utcnow
from ..core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, NotFound
from ..core.fechas import dia_local, hoy
from ..documents import operations as documents
from ..documents.models import PUBLISHED_STATES, Document, Version
from ..documents.queries import sees_drafts
from ..workflow.calendar import add_business_days
from . import routing, signals
from .models import ESTADOS, Cita, Consulta

PLAZO_DIAS_HABILES = {"general": 15, "patron": 10}
CENTRAL = CENTRAL_CLAVE  # the División (central level) answers general consultas
NRP = re.compile(r"[A-Z0-9]{10,11}")
MAX_CITAS = 30

# (estado, acción) -> nuevo estado
TRANSITIONS = {("recibida", "turnar"): "turnada", ("turnada", "turnar"): "turnada",
               ("en_analisis", "turnar"): "turnada", ("turnada", "analizar"): "en_analisis"}


def _text(value, field, limit, required=True) -> str:
    value = (value or "").strip()
    if any(ord(c) < 32 and c not in "\n\t\r" for c in value):
        raise InvalidInput("El texto contiene caracteres de control.", errors={field: ["Caracteres no permitidos."]})
    if required and not value:
        raise InvalidInput(f"Falta el dato «{field}».", errors={field: ["Este dato es obligatorio."]})
    if len(value) > limit:
        raise InvalidInput(f"El dato «{field}» excede {limit} caracteres.", errors={field: [f"Máximo {limit} caracteres."]})
    return value


def _unit(clave: str, field: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.clave == (clave or "").strip()))
    if unit is None:
        raise InvalidInput(f"La unidad «{(clave or '')[:10]}» no existe.", code="unidad_invalida",
                           errors={field: ["Clave de unidad no válida."]})
    return unit


def _next_folio() -> str:
    year = hoy().year
    prefix = f"CON-{year}-"
    last = db.session.scalar(select(func.max(Consulta.folio)).where(Consulta.folio.like(prefix + "%")))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def _facts_date(value) -> date | None:
    """The date of the facts: a date (or AAAA-MM-DD) not after today; empty means none."""
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip()[:10]) if len(str(value).strip()) == 10 else None
        except ValueError:
            value = None
        if value is None:
            raise InvalidInput("La fecha de los hechos no es una fecha válida (AAAA-MM-DD).", code="fecha_invalida",
                               errors={"fecha_hechos": ["Fecha no válida."]})
    if value > hoy():
        raise InvalidInput("La fecha de los hechos no puede ser posterior a hoy.", code="fecha_invalida",
                           errors={"fecha_hechos": ["Posterior a hoy."]})
    return value


def register(actor, *, tipo: str, asunto: str, descripcion: str, solicitante: str, competente: str | None = None,
             nrp: str | None = None, fecha_hechos=None) -> Consulta:
    """A general question goes to the División; a patrón's concrete situation to the competent
    Subdelegación (required, with the NRP). `fecha_hechos`, optional, is the date on which the
    answer reads the norms (the search beside the answer defaults to it)."""
    if tipo not in PLAZO_DIAS_HABILES:
        raise InvalidInput("Tipo de consulta no válido.", errors={"tipo": ["Debe ser general o patron."]})
    asker = _unit(solicitante, "solicitante")
    if tipo == "patron":
        nrp = (nrp or "").strip().upper().replace("-", "").replace(" ", "")
        if not NRP.fullmatch(nrp):
            raise InvalidInput("Indique el registro patronal (NRP) de 10 u 11 caracteres.", code="nrp_invalido",
                               errors={"nrp": ["Registro patronal no válido."]})
        if not competente:
            raise InvalidInput("Indique la Subdelegación competente para la situación del patrón.",
                               errors={"competente": ["Este dato es obligatorio."]})
        answering = _unit(competente, "competente")
        if answering.tipo != "subdelegacion":
            raise InvalidInput("La consulta de un patrón la responde una Subdelegación.", code="unidad_invalida",
                               errors={"competente": ["Debe ser una Subdelegación (DDSS)."]})
    else:
        if (competente or "").strip() or (nrp or "").strip():  # likely a patrón's situation marked general
            raise InvalidInput("Una consulta general la responde la División: no lleva Subdelegación competente ni "
                               "registro patronal. Si es la situación de un patrón, elija ese tipo; si no, "
                               "deje esos datos vacíos.", code="datos_de_patron_en_general",
                               errors={name: ["Solo para la situación real y concreta de un patrón."]
                                       for name, value in (("competente", competente), ("nrp", nrp))
                                       if (value or "").strip()})
        nrp = None
        answering = _unit(CENTRAL, "competente")
    received = hoy()
    facts = _facts_date(fecha_hechos)
    consulta = Consulta(folio=_next_folio(), tipo=tipo, asunto=_text(asunto, "asunto", 300), fecha_hechos=facts,
                        descripcion=_text(descripcion, "descripcion", 20000), nrp=nrp, solicitante_id=asker.id,
                        competente_id=answering.id, estado="recibida", autor_id=actor.id,
                        fecha_recepcion=received,
                        fecha_limite=add_business_days(received, PLAZO_DIAS_HABILES[tipo]))
    db.session.add(consulta)
    db.session.flush()
    signals.consulta_registered.send(consulta, actor=actor, folio=consulta.folio, tipo=tipo,
                                     competente=answering.clave)
    return consulta


def transition(actor, consulta: Consulta, accion: str, *, asignado: str | None = None) -> Consulta:
    new = TRANSITIONS.get((consulta.estado, accion))
    if new is None:
        permitidas = sorted({a for (s, a) in TRANSITIONS if s == consulta.estado}
                            | ({"responder"} if consulta.estado in ("turnada", "en_analisis") else set()))
        raise InvalidTransition(f"No se puede «{accion}» una consulta «{ESTADOS[consulta.estado]}».",
                                permitidas=permitidas, estado=consulta.estado)
    if accion == "turnar":
        if not routing.may_turn(actor, consulta):
            raise NotAllowed("Solo el nivel central o la unidad que responde la consulta pueden turnarla.",
                             code="no_turna")
        wanted = (asignado or "").strip()
        user = next((u for u in routing.consultores_for(consulta) if u.nombre == wanted), None)
        if user is None:
            unit = consulta.competente
            raise InvalidInput(f"Turne la consulta a una persona consultora activa de la unidad que responde "
                               f"({unit.clave} {unit.nombre}).", code="asignado_invalido",
                               errors={"asignado": ["Debe ser consultor activo de la unidad que responde."]})
        consulta.asignado_id, consulta.asignado = user.id, user
    elif consulta.asignado_id != actor.id:
        raise NotAllowed("Solo quien tiene turnada la consulta puede analizarla.", code="no_asignado")
    previous = consulta.estado
    consulta.estado = new
    db.session.flush()
    signals.consulta_transitioned.send(consulta, actor=actor, folio=consulta.folio, accion=accion,
                                       de=previous, a=new)
    return consulta


def _cited_version(actor, documento_id: int, numero: int) -> Version:
    version = db.session.scalar(select(Version).where(Version.documento_id == documento_id,
                                                      Version.numero == numero))
    # a draft cannot be cited; to whoever may not see drafts it does not exist at all
    if version is None or (version.estado not in PUBLISHED_STATES and not sees_drafts(actor)):
        raise InvalidInput("La versión citada no existe.", code="cita_invalida",
                           errors={"citas": [f"Documento {documento_id}, versión {numero}: no existe."]})
    if version.estado not in PUBLISHED_STATES:
        raise InvalidInput("Solo se citan versiones publicadas.", code="cita_invalida",
                           errors={"citas": [f"La versión {numero} está en trámite."]})
    return version


def answer(actor, consulta: Consulta, *, respuesta: str, citas: list, criterio: dict | None = None) -> Consulta:
    """Answer with text and citations (document, version, numeral); with `criterio` ({clave,
    titulo}) also start a criterio normativo draft holding the answer."""
    again = consulta.estado == "respondida" and consulta.citas_desactualizadas
    if consulta.estado not in ("turnada", "en_analisis") and not again:
        raise InvalidTransition(f"No se puede responder una consulta «{ESTADOS[consulta.estado]}».",
                                permitidas=sorted({a for (s, a) in TRANSITIONS if s == consulta.estado}),
                                estado=consulta.estado)
    if again:
        _require_reviewer(actor, consulta)
    elif consulta.asignado_id != actor.id:
        raise NotAllowed("Solo quien tiene turnada la consulta puede responderla.", code="no_asignado")
    respuesta = _text(respuesta, "respuesta", 50000)
    if len(citas) > MAX_CITAS:
        raise InvalidInput(f"Máximo {MAX_CITAS} citas.", errors={"citas": [f"Máximo {MAX_CITAS}."]})
    if not citas and not criterio:
        raise InvalidInput("Cite al menos un numeral vigente, o inicie un criterio normativo si no existe.",
                           code="sin_citas", errors={"citas": ["Este dato es obligatorio."]})
    seen, chosen = set(), []
    for cita in citas:  # every citation is checked before anything changes
        version = _cited_version(actor, cita["documento_id"], cita["version"])
        numeral = (cita.get("numeral") or "").strip()
        if numeral and numeral not in {s.numeral for s in version.sections}:
            raise InvalidInput(f"La versión {version.numero} de {version.document.clave} no tiene el numeral «{numeral[:64]}».",
                               code="cita_invalida", errors={"citas": ["Numeral inexistente en esa versión."]})
        if (version.id, numeral) not in seen:
            seen.add((version.id, numeral))
            chosen.append((version, numeral))
    if criterio:
        consulta.criterio_documento_id = _start_criterio(actor, consulta, respuesta, criterio).id
    previous = len(consulta.citas)
    if again:  # a new answer replaces the old one and its citations
        consulta.citas.clear()
        db.session.flush()
    for version, numeral in chosen:
        consulta.citas.append(Cita(version_id=version.id, version=version, numeral=numeral))
    consulta.respuesta, consulta.respondida, consulta.respondida_por_id = respuesta, utcnow(), actor.id
    consulta.respondida_por = db.session.get(User, actor.id)
    consulta.estado = "respondida"
    consulta.citas_desactualizadas = False
    consulta.confirmada, consulta.confirmada_por_id, consulta.confirmada_por = None, None, None
    # a superseded version may be cited on purpose (the text in force on the date of the facts): it
    # is not out of date when chosen; the next publication or abrogation of its document flags it
    db.session.flush()
    signals.consulta_answered.send(consulta, actor=actor, folio=consulta.folio, citas=len(consulta.citas),
                                   criterio=consulta.criterio_documento_id, de_nuevo=again,
                                   citas_anteriores=previous if again else None)
    return consulta


# --- a flagged answer: answer again, update the citations, or confirm it ------------------------
REVIEW_ACTIONS = ("actualizar_citas", "confirmar")


def may_review(actor, consulta: Consulta) -> bool:
    return consulta.estado == "respondida" and consulta.citas_desactualizadas \
        and actor.id in (consulta.respondida_por_id, consulta.autor_id)


def _require_reviewer(actor, consulta: Consulta) -> None:
    if actor.id not in (consulta.respondida_por_id, consulta.autor_id):
        raise NotAllowed("Solo quien respondió o registró la consulta puede revisar su respuesta.",
                         code="no_revisa")


def _current_version(document: Document) -> Version | None:
    """The version of `document` in force today (None if abrogated or none is)."""
    today = hoy()
    return next((v for v in sorted(document.versions, key=lambda v: v.numero, reverse=True)
                 if v.in_force_on(today)), None)


def review(actor, consulta: Consulta, accion: str) -> Consulta:
    """On a flagged answer: `actualizar_citas` moves every out-of-date citation to the version now
    in force of its document (same numeral); `confirmar` states that the answer still applies. Both
    clear the flag and are audited; nothing changes if any citation cannot be moved."""
    if accion not in REVIEW_ACTIONS:
        raise InvalidInput("Acción no válida.", errors={"accion": ["Debe ser actualizar_citas o confirmar."]})
    if consulta.estado != "respondida" or not consulta.citas_desactualizadas:
        raise InvalidTransition("La consulta no tiene citas desactualizadas que revisar.",
                                permitidas=[], estado=consulta.estado)
    _require_reviewer(actor, consulta)
    moved = []
    if accion == "actualizar_citas":
        plan, problems = [], []
        for cita in consulta.citas:
            if not cita.desactualizada:
                continue
            old = cita.version
            current = _current_version(old.document)
            if current is None:
                problems.append(f"{old.document.clave}: el documento fue abrogado o no tiene versión vigente hoy")
            elif cita.numeral and cita.numeral not in {s.numeral for s in current.sections}:
                problems.append(f"{old.document.clave} v{current.numero} no tiene el numeral {cita.numeral}")
            else:
                plan.append((cita, current))
        if problems:
            raise InvalidInput("No se pueden actualizar las citas: " + "; ".join(problems)
                               + ". Responda de nuevo o confirme la respuesta.", code="cita_no_actualizable",
                               errors={"citas": problems})
        kept = {(c.version_id, c.numeral) for c in consulta.citas if not c.desactualizada}
        for cita, current in plan:
            moved.append({"clave": current.document.clave, "numeral": cita.numeral,
                          "de": cita.version.numero, "a": current.numero})
            if (current.id, cita.numeral) in kept:
                consulta.citas.remove(cita)  # already cited in its current version
                continue
            kept.add((current.id, cita.numeral))
            cita.version_id, cita.version, cita.desactualizada, cita.motivo = current.id, current, False, None
        consulta.confirmada, consulta.confirmada_por_id, consulta.confirmada_por = None, None, None
    else:
        consulta.confirmada, consulta.confirmada_por_id = utcnow(), actor.id
        consulta.confirmada_por = db.session.get(User, actor.id)
    consulta.citas_desactualizadas = False
    db.session.flush()
    signals.consulta_reviewed.send(consulta, actor=actor, folio=consulta.folio, accion=accion, citas=moved)
    return consulta


def _start_criterio(actor, consulta: Consulta, respuesta: str, criterio: dict) -> Document:
    document = documents.create_document(
        actor, clave=criterio.get("clave", ""), titulo=criterio.get("titulo") or f"Criterio normativo: {consulta.asunto}",
        tipo="criterio_normativo", area="División de Registro y Administración de Aplicaciones",
        fundamento=f"Consulta {consulta.folio}.")
    body = (f"# {document.titulo}\n\nProyecto derivado de la consulta {consulta.folio}.\n\n"
            f"1. Planteamiento\n{consulta.descripcion}\n\n2. Criterio\n{respuesta}\n")
    documents.upload_version(actor, document, filename="criterio.md", data=body.encode("utf-8"),
                             resumen=f"Proyecto de criterio a partir de la consulta {consulta.folio}.")
    return document


def _check_current(cita: Cita) -> bool:
    """Flag a citation whose version is no longer the document's current publication."""
    version = cita.version
    if version.estado == "publicado" and version.document.abrogado_desde is None:
        return False
    motivo = ("documento abrogado" if version.document.abrogado_desde is not None or version.estado == "abrogado"
              else "versión sustituida")
    if not cita.desactualizada:
        cita.desactualizada, cita.motivo = True, motivo
    return True


def flag_outdated(document: Document) -> list[Consulta]:
    """After a publication or abrogation of `document`: flag the answered consultas citing a
    version of it that is no longer current."""
    rows = db.session.scalars(select(Cita).join(Version, Cita.version_id == Version.id)
                              .where(Version.documento_id == document.id, Cita.desactualizada.is_(False))).all()
    return _flag_consultas([(cita, document) for cita in rows if _check_current(cita)])


def flag_ended(day: date) -> list[Consulta]:
    """Daily (`docs-service consultas citas`): flag the answered consultas citing a version whose
    vigencia ended after the answer and before `day` — the successor published with a later start
    has taken effect, or a vigencia with an end date ran out. A citation of a version that had already
    ended when the answer was given (the text in force on the date of the facts) is left as chosen:
    the query compares the version's last day with the answer's Mexico City day, and reads only the
    citations to flag, with their version, document and consulta, in one statement."""
    rows = db.session.execute(
        select(Cita, Version, Document, Consulta).join(Version, Cita.version_id == Version.id)
        .join(Document, Version.documento_id == Document.id)
        .join(Consulta, Cita.consulta_id == Consulta.id)
        .where(Cita.desactualizada.is_(False), Consulta.respondida.is_not(None), Version.vigente_hasta.is_not(None),
               Version.vigente_hasta < day, Version.vigente_hasta >= dia_local(Consulta.respondida))
        .options(lazyload(Consulta.citas))).all()
    pairs = []
    for cita, version, document, _consulta in rows:
        cita.desactualizada = True
        cita.motivo = "versión sustituida" if version.estado == "sustituido" else "vigencia concluida"
        pairs.append((cita, document))
    return _flag_consultas(pairs)


def _flag_consultas(pairs) -> list[Consulta]:
    """Flag the consultas of (flagged cita, its document) pairs, once each, and tell their people."""
    flagged = {}
    for cita, document in pairs:
        consulta = db.session.get(Consulta, cita.consulta_id)
        if not consulta.citas_desactualizadas and consulta.id not in flagged:
            consulta.citas_desactualizadas = True
            flagged[consulta.id] = (consulta, document)
    db.session.flush()
    for consulta, document in flagged.values():
        signals.consulta_outdated.send(consulta, actor=None, folio=consulta.folio, documento=document.clave,
                                       autor=consulta.autor_id)
        _notify_author(consulta, document)
    return [consulta for consulta, _document in flagged.values()]


def _notify_author(consulta: Consulta, document: Document) -> None:
    """Tell who registered the consulta and who answered it (they may review it), through the
    notifications area when it is installed."""
    from flask import current_app
    if "notifications" not in {a.name for a in current_app.extensions.get("docs_areas", ())}:
        return
    from ..notifications.operations import notify, page_path
    people = [db.session.get(User, uid) for uid in {consulta.autor_id, consulta.respondida_por_id} if uid]
    notify(people, "cita_desactualizada",
           f"La consulta {consulta.folio} cita una versión de {document.clave} que ya no está vigente",
           enlace=page_path("consultations_pages.detail", folio=consulta.folio),
           detalle="Revise la respuesta: la versión citada fue sustituida o el documento abrogado. Puede "
                   "actualizar las citas a la versión vigente, confirmar que la respuesta sigue aplicando o "
                   "responder de nuevo.",
           clave=f"cita_desactualizada:{consulta.id}:{document.id}:{document.versions[-1].numero}")


def on_change(sender, **_detail):
    """Receiver of version_published / document_abrogated (sent inside the changing transaction)."""
    document = sender if isinstance(sender, Document) else getattr(sender, "document", None)
    if document is not None:
        flag_outdated(document)


def connect_signals():
    core_signals.version_published.connect(on_change, weak=False)
    core_signals.document_abrogated.connect(on_change, weak=False)


def get(folio: str, user=None) -> Consulta:
    """The consulta with that folio; with `user`, one they may not see does not exist (404)."""
    consulta = db.session.scalar(select(Consulta).where(Consulta.folio == (folio or "")[:20]))
    if consulta is None or (user is not None and not routing.can_see(user, consulta)):
        raise NotFound("La consulta no existe.")
    return consulta


__all__ = ["register", "transition", "answer", "review", "may_review", "flag_outdated", "flag_ended", "get",
           "Conflict"]
