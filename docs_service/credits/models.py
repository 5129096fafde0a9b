"""Créditos fiscales: patrones, créditos (one main phase + orthogonal flags), the append-only event
log, documents, traslados, trámites, payments and their certification (DOMAIN.md §2–§4, §8.2).

Names here are a contract for other areas (constancias reads Patron, Credit, PaymentCertification):
see docs/creditos.md before renaming anything."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        Numeric, String, Text, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Unit
from ..core.db import Base, utcnow
from ..core.fechas import hoy
from .phases import PHASES

Money = Numeric(14, 2)  # pesos with centavos, exact (Decimal) in Python
ZERO = Decimal("0.00")


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


CONCEPTOS = {"COP": "Cuotas obrero-patronales", "RCV": "Retiro, Cesantía en edad avanzada y Vejez"}
ORIGENES = {"ECO": "Cédula por omisión (E.C.O.)", "SIVEPA": "Cédula por diferencias (SIVEPA)",
            "MULTA": "Multa", "CAPITAL": "Capital constitutivo", "AUDITORIA": "Auditoría",
            "AVISO_EXT": "Avisos extemporáneos", "CUOTA": "Cuota"}
TIPOS_PERSONA = {"F": "Persona física", "M": "Persona moral"}


class Patron(Base):
    """An employer (registro patronal). Its Subdelegación comes from its municipality (DOMAIN §3.1)."""
    __tablename__ = "patrones"
    __table_args__ = (CheckConstraint("tipo_persona IN ('F', 'M')", name="tipo_persona"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nrp: Mapped[str] = mapped_column(String(11), unique=True)  # 10 chars + dígito verificador
    rfc: Mapped[str] = mapped_column(String(13), index=True)
    curp: Mapped[str | None] = mapped_column(String(18))  # personas físicas, when known
    razon_social: Mapped[str] = mapped_column(String(300), index=True)
    tipo_persona: Mapped[str] = mapped_column(String(1))  # F física | M moral
    modalidad: Mapped[str] = mapped_column(String(2))  # positions 9–10 of the NRP (10, 13, 17…)
    municipio: Mapped[str] = mapped_column(String(3))  # positions 1–3 of the NRP
    unidad_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"), index=True)  # Subdelegación
    sintetico: Mapped[bool] = mapped_column(Boolean, default=False)  # generated data, never real
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unidad: Mapped[Unit] = relationship(lazy="joined")


class Credit(Base):
    """A crédito fiscal: one main phase (phases.PHASES) plus orthogonal flags; `lock` guards against
    lost updates (ETag). Amounts are exact decimals; saldo is what remains to be paid."""
    __tablename__ = "creditos"
    __table_args__ = (
        CheckConstraint("concepto IN ('COP', 'RCV')", name="concepto"),
        CheckConstraint("fase IN " + _in(PHASES), name="fase"),
        CheckConstraint("saldo >= 0 AND importe_total >= 0", name="importes"),
        Index("ix_creditos_unidad_id_fase", "unidad_id", "fase"),
        Index("ix_creditos_patron_id_periodo", "patron_id", "periodo"),
        # A patrón's list in número order without sorting all its credits (search by NRP).
        Index("ix_creditos_patron_id_numero", "patron_id", "numero"),
        # Conciliation: the open credits of a (patrón, periodo, concepto) in número order; paid ones
        # leave the index, so a big patrón's key costs what is still open at its start.
        Index("ix_creditos_abiertos", "patron_id", "periodo", "concepto", "numero",
              sqlite_where=text("saldo > 0"), postgresql_where=text("saldo > 0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    numero: Mapped[str] = mapped_column(String(9), unique=True)  # número de crédito (9 dígitos)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrones.id"))
    unidad_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"))  # subdelegación responsable
    unidad_origen_id: Mapped[int | None] = mapped_column(ForeignKey("unidades.id"))  # before a traslado
    concepto: Mapped[str] = mapped_column(String(3))  # COP | RCV
    td: Mapped[str] = mapped_column(String(2))  # tipo de documento (02 ECO, 03 SIVEPA, 8x multa…)
    origen: Mapped[str] = mapped_column(String(10))  # ORIGENES
    periodo: Mapped[str] = mapped_column(String(6))  # AAAAMM (RCV: even month)
    nss: Mapped[str | None] = mapped_column(String(11))  # worker of a capital constitutivo
    cotizantes: Mapped[int | None] = mapped_column(Integer)
    importe_historico: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # omisión / cuota histórica
    actualizacion: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    recargos: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    multa: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    gastos_ejecucion: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    importe_total: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # sum of the five above
    saldo: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # total minus applied payments
    fecha_emision: Mapped[date] = mapped_column(Date)  # determinación (cédula)
    fecha_notificacion: Mapped[date | None] = mapped_column(Date)
    fecha_exigibilidad: Mapped[date | None] = mapped_column(Date)  # starts prescripción
    fecha_interrupcion: Mapped[date | None] = mapped_column(Date)  # last gestión that restarted it
    fase: Mapped[str] = mapped_column(String(24), default="EMITIDO")
    fase_desde: Mapped[date] = mapped_column(Date, default=hoy)  # Mexico City day
    motivo: Mapped[str | None] = mapped_column(String(32))  # reason of CANCELADO / IMPEDIMENTO / CONTROVERTIDO…
    inc: Mapped[str | None] = mapped_column(String(2))  # official incidencia code of the last event
    fecha_inc: Mapped[date | None] = mapped_column(Date)
    en_aclaracion: Mapped[bool] = mapped_column(Boolean, default=False)
    interes_fiscal_garantizado: Mapped[bool] = mapped_column(Boolean, default=False)
    tipo_garantia: Mapped[str | None] = mapped_column(String(32))
    monto_garantia: Mapped[Decimal | None] = mapped_column(Money)
    pae_suspendido: Mapped[bool] = mapped_column(Boolean, default=False)
    en_condonacion: Mapped[bool] = mapped_column(Boolean, default=False)  # multas only
    ejecutor: Mapped[str | None] = mapped_column(String(120))  # ejecutor asignado
    lote_id: Mapped[int | None] = mapped_column(ForeignKey("credito_lotes.id"))  # import batch
    sintetico: Mapped[bool] = mapped_column(Boolean, default=False)
    observaciones: Mapped[str] = mapped_column(Text, default="")
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    lock: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock / ETag

    patron: Mapped[Patron] = relationship(lazy="joined")
    unidad: Mapped[Unit] = relationship(foreign_keys=[unidad_id], lazy="joined")
    unidad_origen: Mapped[Unit | None] = relationship(foreign_keys=[unidad_origen_id])
    __mapper_args__ = {"version_id_col": lock}

    @property
    def pagado(self) -> Decimal:
        return self.importe_total - self.saldo


class CreditEvent(Base):
    """One step in a credit's life (append-only: the database refuses UPDATE and DELETE). Mirrors the
    INC/FEINC history of the operation, with who, where, when and on what legal basis."""
    __tablename__ = "credito_eventos"

    id: Mapped[int] = mapped_column(primary_key=True)
    credito_id: Mapped[int] = mapped_column(ForeignKey("creditos.id"), index=True)
    accion: Mapped[str] = mapped_column(String(32))  # phases.TRANSITIONS action, or a trámite/traslado step
    fase_de: Mapped[str | None] = mapped_column(String(24))
    fase_a: Mapped[str] = mapped_column(String(24))
    inc: Mapped[str | None] = mapped_column(String(2))  # official incidencia code, when there is one
    fecha: Mapped[date] = mapped_column(Date)  # date the act took effect (e.g. day of notification)
    registrado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # when it was recorded
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))  # None: the system (payments)
    unidad_id: Mapped[int | None] = mapped_column(ForeignKey("unidades.id"))  # unit that acted
    fundamento: Mapped[str] = mapped_column(Text, default="")  # article / acuerdo
    comentario: Mapped[str] = mapped_column(Text, default="")
    detalle: Mapped[str] = mapped_column(Text, default="{}")  # JSON: motivo, importes, traslado…

    actor = relationship("User", lazy="joined")
    unidad: Mapped[Unit | None] = relationship(lazy="joined")


class CreditDocument(Base):
    """A supporting document (cédula, citatorio, acta, mandamiento, resolución, oficio, evidencia),
    stored as a blob by SHA-256 (append-only). Linked to a credit, and optionally to the event or
    trámite or payment certification it supports."""
    __tablename__ = "credito_documentos"

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrones.id"), index=True)
    credito_id: Mapped[int | None] = mapped_column(ForeignKey("creditos.id"), index=True)
    evento_id: Mapped[int | None] = mapped_column(ForeignKey("credito_eventos.id"))
    tramite_id: Mapped[int | None] = mapped_column(ForeignKey("tramites.id"))
    certificacion_id: Mapped[int | None] = mapped_column(ForeignKey("certificaciones_pago.id"))
    tipo: Mapped[str] = mapped_column(String(24))  # DOCUMENT_TYPES
    nombre: Mapped[str] = mapped_column(String(200))  # original file name
    blob_key: Mapped[str] = mapped_column(String(64))  # SHA-256 in core.storage
    tamano: Mapped[int] = mapped_column(Integer)
    tipo_mime: Mapped[str] = mapped_column(String(100))
    subido: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    subido_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))


class Transfer(Base):
    """A traslado of a credit to another unit: pendiente until the receiving unit accepts (the credit
    changes unit, back to its phase) or rejects (back where it was)."""
    __tablename__ = "traslados"
    __table_args__ = (CheckConstraint("tipo IN ('procuracion', 'cambio_subdelegacion')", name="tipo"),
                      CheckConstraint("estado IN ('pendiente', 'aceptado', 'rechazado')", name="estado"),
                      CheckConstraint("unidad_origen_id <> unidad_destino_id", name="unidades_distintas"))

    id: Mapped[int] = mapped_column(primary_key=True)
    credito_id: Mapped[int] = mapped_column(ForeignKey("creditos.id"), index=True)
    tipo: Mapped[str] = mapped_column(String(24))  # procuracion | cambio_subdelegacion
    unidad_origen_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"))
    unidad_destino_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"), index=True)
    fase_previa: Mapped[str] = mapped_column(String(24))  # phase the credit returns to
    estado: Mapped[str] = mapped_column(String(12), default="pendiente")
    motivo: Mapped[str] = mapped_column(Text, default="")
    solicitado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    solicitado_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    resuelto: Mapped[datetime | None] = mapped_column(DateTime)
    resuelto_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    comentario_resolucion: Mapped[str] = mapped_column(Text, default="")
    lock: Mapped[int] = mapped_column(Integer, default=1)

    credito: Mapped[Credit] = relationship(lazy="joined")
    unidad_origen: Mapped[Unit] = relationship(foreign_keys=[unidad_origen_id], lazy="joined")
    unidad_destino: Mapped[Unit] = relationship(foreign_keys=[unidad_destino_id], lazy="joined")
    __mapper_args__ = {"version_id_col": lock}


class Tramite(Base):
    """A trámite on a credit (aclaración, devolución A/B, cancelación, impedimento, convenio), with
    its documents and resolution. `datos` holds the type's own fields as JSON."""
    __tablename__ = "tramites"
    __table_args__ = (CheckConstraint("estado IN ('en_tramite', 'procedente', 'improcedente', 'parcial')",
                                      name="estado"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tipo: Mapped[str] = mapped_column(String(32))  # tramites.TIPOS
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrones.id"), index=True)
    credito_id: Mapped[int | None] = mapped_column(ForeignKey("creditos.id"), index=True)
    unidad_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"))
    estado: Mapped[str] = mapped_column(String(12), default="en_tramite")
    fecha_presentacion: Mapped[date] = mapped_column(Date)
    datos: Mapped[str] = mapped_column(Text, default="{}")
    formato: Mapped[str | None] = mapped_column(String(64))  # clave of the filled official format, if any
    resolucion: Mapped[str] = mapped_column(Text, default="")
    importe_resuelto: Mapped[Decimal | None] = mapped_column(Money)  # adjusted amount / devolución
    solicitado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    solicitado_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    resuelto: Mapped[datetime | None] = mapped_column(DateTime)
    resuelto_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    lock: Mapped[int] = mapped_column(Integer, default=1)

    patron: Mapped[Patron] = relationship(lazy="joined")
    credito: Mapped[Credit | None] = relationship(lazy="joined")
    __mapper_args__ = {"version_id_col": lock}


class ImportBatch(Base):
    """One bulk import of credits from CSV, with its per-row report. Loaded in a single transaction:
    a batch row exists only if its credits do."""
    __tablename__ = "credito_lotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    nombre: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    codificacion: Mapped[str] = mapped_column(String(16))
    delimitador: Mapped[str] = mapped_column(String(1))
    filas: Mapped[int] = mapped_column(Integer, default=0)
    cargadas: Mapped[int] = mapped_column(Integer, default=0)
    sin_cambios: Mapped[int] = mapped_column(Integer, default=0)  # already loaded (re-import)
    rechazadas: Mapped[int] = mapped_column(Integer, default=0)
    advertencias: Mapped[int] = mapped_column(Integer, default=0)
    reporte: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {fila, campo, mensaje, nivel}
    unidad_id: Mapped[int | None] = mapped_column(ForeignKey("unidades.id"))  # importing unit (operativo)
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    creado_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))


class PaymentFile(Base):
    """A payment file (PROCESAR-like or SIPARE-like). Its SHA-256 is unique: the same file is never
    applied twice."""
    __tablename__ = "pago_archivos"
    __table_args__ = (CheckConstraint("formato IN ('procesar', 'sipare')", name="formato"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    formato: Mapped[str] = mapped_column(String(10))
    nombre: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filas: Mapped[int] = mapped_column(Integer, default=0)
    aplicados: Mapped[int] = mapped_column(Integer, default=0)  # fully or partly applied to credits
    sin_credito: Mapped[int] = mapped_column(Integer, default=0)
    duplicados: Mapped[int] = mapped_column(Integer, default=0)
    rechazados: Mapped[int] = mapped_column(Integer, default=0)
    reporte: Mapped[str] = mapped_column(Text, default="[]")
    importado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    importado_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))


PAYMENT_STATES = ("aplicado", "parcial", "sin_credito", "duplicado", "excedente")


class Payment(Base):
    """One payment (a row of a payment file, or a certified payment). `referencia` identifies it at
    its origin (folio SUA / línea de captura): the same (origen, referencia) applies once."""
    __tablename__ = "pagos"
    __table_args__ = (CheckConstraint("origen IN ('PROCESAR', 'SIPARE', 'CERTIFICADO')", name="origen"),
                      CheckConstraint("estado IN " + _in(PAYMENT_STATES), name="estado"),
                      Index("ix_pagos_nrp_periodo", "nrp", "periodo"),
                      # referencia first: a chunk's duplicate check by its referencias uses it whatever
                      # the planner believes of one origen's share of the table
                      Index("ix_pagos_referencia_origen", "referencia", "origen"))

    id: Mapped[int] = mapped_column(primary_key=True)
    archivo_id: Mapped[int | None] = mapped_column(ForeignKey("pago_archivos.id"), index=True)
    fila: Mapped[int | None] = mapped_column(Integer)  # line in its file
    origen: Mapped[str] = mapped_column(String(12))
    referencia: Mapped[str] = mapped_column(String(40))  # folio SUA or línea de captura
    nrp: Mapped[str] = mapped_column(String(11))
    periodo: Mapped[str] = mapped_column(String(6))
    credito_numero: Mapped[str | None] = mapped_column(String(9))  # when the payment names its credit
    fecha_pago: Mapped[date] = mapped_column(Date)
    importe_cop: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # IMSS cuotas
    importe_rcv: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    importe_vivienda: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # INFONAVIT: collected, not ours
    importe_total: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    entidad_receptora: Mapped[str] = mapped_column(String(60), default="")
    estado: Mapped[str] = mapped_column(String(12))  # PAYMENT_STATES
    importe_aplicado: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    registrado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PaymentApplication(Base):
    """How much of a payment went to which credit (a payment may cover a COP and an RCV credit)."""
    __tablename__ = "pago_aplicaciones"

    id: Mapped[int] = mapped_column(primary_key=True)
    pago_id: Mapped[int] = mapped_column(ForeignKey("pagos.id"), index=True)
    credito_id: Mapped[int] = mapped_column(ForeignKey("creditos.id"), index=True)
    importe: Mapped[Decimal] = mapped_column(Money)
    saldo_anterior: Mapped[Decimal] = mapped_column(Money)
    saldo_nuevo: Mapped[Decimal] = mapped_column(Money)


class PaymentCertification(Base):
    """Certificación de pagos no captados (DOMAIN §4.1 step 6, procedure 9312-003-014): requested
    with evidence, checked, then certified by a different person. A certified one carries `pago_id`
    (the payment applied to the credit); its `id` is stable and is what constancias certify."""
    __tablename__ = "certificaciones_pago"
    __table_args__ = (CheckConstraint("estado IN ('solicitada', 'revisada', 'certificada', 'rechazada')",
                                      name="estado"),
                      CheckConstraint("concepto IN ('COP', 'RCV')", name="concepto"))

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrones.id"), index=True)
    credito_id: Mapped[int | None] = mapped_column(ForeignKey("creditos.id"), index=True)
    unidad_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"), index=True)
    periodo: Mapped[str] = mapped_column(String(6))
    concepto: Mapped[str] = mapped_column(String(3))
    fecha_pago: Mapped[date] = mapped_column(Date)
    importe: Mapped[Decimal] = mapped_column(Money)
    entidad_receptora: Mapped[str] = mapped_column(String(60))
    referencia: Mapped[str] = mapped_column(String(40))  # línea de captura / folio of the receipt
    estado: Mapped[str] = mapped_column(String(12), default="solicitada")
    solicitado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    solicitado_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    revisado: Mapped[datetime | None] = mapped_column(DateTime)
    revisado_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    certificado: Mapped[datetime | None] = mapped_column(DateTime)
    certificado_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    observaciones: Mapped[str] = mapped_column(Text, default="")
    pago_id: Mapped[int | None] = mapped_column(ForeignKey("pagos.id"))
    lock: Mapped[int] = mapped_column(Integer, default=1)

    patron: Mapped[Patron] = relationship(lazy="joined")
    credito: Mapped[Credit | None] = relationship(lazy="joined")
    unidad: Mapped[Unit] = relationship(lazy="joined")
    pago = relationship("Payment")
    __mapper_args__ = {"version_id_col": lock}
