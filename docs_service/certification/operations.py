"""Emission and revocation of constancias. No commits here: the request (or command) commits.

Folios are gapless per kind and year: the counter row is incremented inside the emitting transaction
(the row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite serialise concurrent emissions), so a failed
render or signature rolls the increment back with everything else. The PDF blob is written before
the row that references it."""
import hashlib
import secrets
from datetime import date

from flask import current_app
from sqlalchemy import select, update

from ..core.db import db, utcnow
from ..core.errors import Conflict, DomainError, InvalidInput, InvalidTransition, NotAllowed, NotFound
from ..core.fechas import fecha, fecha_larga, hoy
from ..core.storage import storage
from . import collectors, signals
from .cadena import canonical_json
from .kinds import TIPOS, kinds_of
from .models import Constancia, FolioCounter, IdempotencyKey
from .pipeline import Job, Producer, RenderFailed
from .signing import SigningConfig, SigningUnavailable

CODE_BYTES = 24  # 192-bit verification codes
EMISORES = ("operativo", "titular")
REVOCADORES = ("titular", "admin")


class TemplateFailed(DomainError):
    status, code = 503, "plantilla_con_error"
    message = "La plantilla de la constancia no pudo generarse; no se emitió ni se consumió folio."


def producer() -> Producer:
    """The app's producer: built once (kinds, templates, CSS, seal key); 503 while the key is missing."""
    app = current_app._get_current_object()
    cached = app.extensions.get("certification_producer")
    if cached is None:
        cached = Producer.from_settings(app.config["DOCS_CERTIFICACIONES_DIR"], app.config["DOCS_PUBLIC_URL"],
                                        SigningConfig.from_app(app))
        app.extensions["certification_producer"] = cached
    return cached


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def now_seconds():
    return utcnow().replace(microsecond=0)


def allocate_folios(tipo: str, anio: int, count: int = 1) -> int:
    """Reserve `count` consecutive folio numbers; returns the first. Serialised by the counter row."""
    session = db.session
    if session.get(FolioCounter, (tipo, anio)) is None:
        dialect = session.bind.dialect.name if session.bind is not None else db.engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        session.execute(insert(FolioCounter).values(tipo=tipo, anio=anio, ultimo=0)
                        .on_conflict_do_nothing(index_elements=["tipo", "anio"]))
    session.execute(update(FolioCounter).where(FolioCounter.tipo == tipo, FolioCounter.anio == anio)
                    .values(ultimo=FolioCounter.ultimo + count).execution_options(synchronize_session=False))
    last = session.scalar(select(FolioCounter.ultimo).where(FolioCounter.tipo == tipo, FolioCounter.anio == anio)
                          .execution_options(populate_existing=True))
    return last - count + 1


def request_fingerprint(tipo: str, params: dict) -> str:
    clean = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in sorted(params.items()) if v is not None}
    return hashlib.sha256(canonical_json({"tipo": tipo, **clean}).encode()).hexdigest()


def replayed(user, clave: str | None, tipo: str, params: dict) -> Constancia | None:
    """The constancia a previous request with the same Idempotency-Key produced (same payload), or None."""
    if not clave:
        return None
    row = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.usuario_id == user.id,
                                                         IdempotencyKey.clave == clave))
    if row is None:
        return None
    if row.huella != request_fingerprint(tipo, params):
        raise InvalidInput("La clave de idempotencia ya se usó con otra solicitud.",
                           code="clave_idempotencia_reutilizada",
                           errors={"Idempotency-Key": ["Use una clave nueva para una solicitud distinta."]})
    return row.constancia


def check_fecha_corte(fecha_corte: date | None) -> None:
    """A cut-off date after today (the Mexico City day) would certify a situation nobody knows yet."""
    today = hoy()
    if fecha_corte is not None and fecha_corte > today:
        raise InvalidInput(f"La fecha de corte no puede ser posterior a hoy, {fecha_larga(today)}.",
                           code="fecha_corte_futura",
                           errors={"fecha_corte": [f"Debe ser hoy, {fecha(today)}, o anterior."]})


def emit(user, tipo: str, params: dict, idempotency_key: str | None = None, unit=None) -> tuple[Constancia, bool]:
    """Issue one constancia in the caller's unit (or `unit`, for a re-issue); returns (constancia, replayed)."""
    if tipo not in TIPOS:
        raise InvalidInput("Tipo de constancia no válido.", errors={"tipo": [f"Debe ser uno de: {', '.join(TIPOS)}."]})
    if tipo == "situacion_creditos":
        check_fecha_corte(params.get("fecha_corte"))
    previous = replayed(user, idempotency_key, tipo, params)
    if previous is not None:
        return previous, True
    if unit is None and user.unidad_id is None:
        raise InvalidInput("Su cuenta no tiene unidad emisora asignada.", code="sin_unidad")
    kind = kinds_of(current_app)[tipo]
    unit = unit or user.model.unidad
    collected = collectors.COLLECTORS[tipo](user, unidad=unit, **params)
    made = producer()  # 503 before any folio is touched when the key is missing
    emitida = now_seconds()
    consecutivo = allocate_folios(tipo, emitida.year)
    job = Job(tipo=tipo, folio=kind.folio(emitida.year, consecutivo), codigo=new_code(), emitida=emitida,
              fecha_corte=collected.fecha_corte, unidad_clave=unit.clave, unidad_nombre=unit.nombre,
              rfc=collected.rfc, nrp=collected.nrp, datos=collected.datos)
    try:
        produced = made.produce(job)
    except RenderFailed as err:
        current_app.logger.error("plantilla %s no se pudo generar: %s", kind.plantilla, err)
        raise TemplateFailed() from err
    constancia = record(job, produced, unidad_id=unit.id, solicitante_id=user.id, consecutivo=consecutivo,
                        referencia=collected.referencia)
    if idempotency_key:
        db.session.add(IdempotencyKey(usuario_id=user.id, clave=idempotency_key,
                                      huella=request_fingerprint(tipo, params), constancia_id=constancia.id))
    signals.constancia_issued.send(constancia, actor=user, folio=constancia.folio, tipo=tipo,
                                   sha256=constancia.sha256)
    return constancia, False


def record(job: Job, produced, *, unidad_id: int, solicitante_id: int | None, consecutivo: int,
           referencia: str = "", lote_id: int | None = None, flush: bool = True,
           key: str | None = None) -> Constancia:
    """Store the signed PDF (blob first) and its registry row (flushed, unless the caller flushes a
    whole chunk at once). `key`: the blob key when the caller has already stored the PDF."""
    key = key or storage().put(produced.pdf)
    constancia = Constancia(tipo=job.tipo, anio=job.emitida.year, consecutivo=consecutivo, folio=job.folio,
                            codigo=job.codigo, estado="VIGENTE", unidad_id=unidad_id, nrp=job.nrp, rfc=job.rfc,
                            referencia=referencia[:120], fecha_corte=job.fecha_corte, emitida=job.emitida,
                            datos=canonical_json(job.datos), plantilla=produced.plantilla,
                            fundamento=produced.fundamento or None, titulo=produced.titulo or None,
                            unidad_nombre=job.unidad_nombre or None, cadena=produced.cadena,
                            sello=produced.sello, serie_certificado=produced.serie, sha256=key,
                            tamano=len(produced.pdf), solicitante_id=solicitante_id, lote_id=lote_id)
    db.session.add(constancia)
    if flush:
        db.session.flush()
    return constancia


def open_lote(actor, unidad_clave: str, fecha_corte: date):
    """The lote de constancias of a Subdelegación at a cut-off date, found (to resume it) or created;
    `actor` None is the command line. Refused before anything is written: a future cut-off, a unit
    that is not in the catalog, or (for an operativo) a unit other than its own."""
    from ..accounts.models import Unit
    from .batch import find_or_create
    check_fecha_corte(fecha_corte)
    clave = (unidad_clave or "").strip()[:8]
    unit = db.session.scalar(select(Unit).where(Unit.clave == clave))
    if unit is None:
        raise NotFound(f"No existe la unidad {clave}: indique la clave de una Subdelegación (cuatro dígitos).",
                       code="unidad_no_encontrada",
                       errors={"unidad": ["Clave de Subdelegación del catálogo (DDSS)."]})
    if unit.tipo != "subdelegacion":
        raise InvalidInput(f"La unidad {clave} no es una Subdelegación: un lote de constancias es de una "
                           "Subdelegación (cuatro dígitos).", code="unidad_no_subdelegacion",
                           errors={"unidad": ["Clave de Subdelegación del catálogo (DDSS)."]})
    if actor is not None and not (actor.has_role("titular") or unit.id == actor.unidad_id):
        raise NotAllowed(f"Solo puede emitir lotes de constancias de su unidad, no de la {clave}.",
                         code="unidad_ajena", errors={"unidad": ["Debe ser su Subdelegación."]})
    return find_or_create(actor, clave, fecha_corte)


def get_by_folio(folio: str) -> Constancia:
    constancia = db.session.scalar(select(Constancia).where(Constancia.folio == (folio or "")[:32]))
    if constancia is None:
        raise NotFound("No existe una constancia con ese folio.")
    return constancia


def can_see(user, constancia: Constancia) -> bool:
    """Operativos see their unit's constancias; titular, admin and auditor see all."""
    return user.has_role("titular", "admin", "auditor") or constancia.unidad_id == user.unidad_id


def revoke(user, constancia: Constancia, motivo: str, sustituida_por: Constancia | None = None) -> Constancia:
    motivo = (motivo or "").strip()
    if len(motivo) < 3 or len(motivo) > 1000:
        raise InvalidInput("Indique el motivo de la revocación (de 3 a 1000 caracteres).", code="motivo_requerido",
                           errors={"motivo": ["Obligatorio, de 3 a 1000 caracteres."]})
    if constancia.estado != "VIGENTE":
        raise InvalidTransition(f"La constancia ya está {constancia.estado}.", permitidas=[])
    if sustituida_por is not None:
        if sustituida_por.id == constancia.id or sustituida_por.estado != "VIGENTE":
            raise Conflict("La constancia sustituta debe ser otra constancia vigente.", code="sustituta_invalida")
        constancia.estado, constancia.sustituida_por_id = "SUSTITUIDA", sustituida_por.id
    else:
        constancia.estado = "REVOCADA"
    constancia.revocada, constancia.motivo_revocacion, constancia.revocada_por_id = utcnow(), motivo, user.id
    db.session.flush()
    signals.constancia_revoked.send(constancia, actor=user, folio=constancia.folio, estado=constancia.estado,
                                    sustituta=sustituida_por.folio if sustituida_por else None)
    return constancia


def reissue_params(old: Constancia) -> dict:
    """The request that produces the same kind of constancia again, with today's data."""
    import json
    datos = json.loads(old.datos)
    if old.tipo == "situacion_creditos":
        return {"nrp": old.nrp, "fecha_corte": old.fecha_corte}
    if old.tipo == "certificacion_pago":
        return {"pago": datos["pago"]["id"]}
    return {"clave": datos["documento"]["clave"], "version": datos["version"]["numero"]}


def reissue(user, old: Constancia, motivo: str) -> Constancia:
    """Revoke `old` as SUSTITUIDA by a new constancia issued in the same unit."""
    if old.estado != "VIGENTE":
        raise InvalidTransition(f"La constancia ya está {old.estado}.", permitidas=[])
    new, _ = emit(user, old.tipo, reissue_params(old), unit=old.unidad)
    revoke(user, old, motivo, sustituida_por=new)
    return new


__all__ = ["emit", "revoke", "allocate_folios", "producer", "SigningUnavailable", "EMISORES", "REVOCADORES"]
