"""A small normative corpus walked through the real workflow, with vigencias relative to today:
a manual with two versions (v1 superseded), a criterion abrogated by another, an instructivo in
force only from next month, a lineamiento, and a draft only the workflow roles may find."""
from datetime import timedelta

from docs_service.core.access import load_principal
from docs_service.core.db import transaction
from docs_service.core.fechas import hoy
from docs_service.documents import operations as docs
from docs_service.workflow import operations as flow

MANUAL_V1 = """# Procedimiento para la notificación de créditos fiscales

1. Objetivo
Establecer las actividades para notificar los créditos fiscales en la Subdelegación.

7. Plazos
7.3 Citatorio
7.3.1 Reglas
7.3.1.1 El citatorio se entrega con veinticuatro horas de anticipación.

10. Serán obligaciones del notificador:
a) Identificarse con credencial vigente.
e) Levantar el acta de notificación en el domicilio fiscal.
"""
MANUAL_V2 = MANUAL_V1.replace("veinticuatro horas", "cuarenta y ocho horas") + """
11. Buzón
La notificación electrónica se practica por buzón tributario.
"""
CRITERIO_VIEJO = """# Criterio de prescripción

1. Prescripción
Los créditos fiscales prescriben en cinco años conforme al Código Fiscal de la Federación.

2. Devoluciones
Las devoluciones de pagos indebidos se tramitan ante la Subdelegación competente.
"""
CRITERIO_NUEVO = """# Criterio de devolución y embargo

1. Devolución
La devolución de cuotas pagadas en exceso se resuelve en las subdelegaciones.

2. Embargo
Procede el embargo de bienes del patrón tras el requerimiento de pago.

3. Cobro
La acción de cobro se extingue al transcurrir cinco años.
"""
INSTRUCTIVO = """# Instructivo de llenado

1. Llenado
El formato se llena con tinta negra y letra de molde.
"""
FORMATO = """# Acta de notificación

1. Datos del patrón
Registro patronal y domicilio fiscal del patrón notificado.
"""
BORRADOR = """# Borrador reservado

1. Alcance
Texto confidencial sobre el zafiro que solo ven los roles del flujo.
"""

DGR = "División de Registro"
SUB = "Subdirección de Cobranza"


def load(app, users):
    ids = {name: users(name, [rol], "NC", password=None)[0]
           for name, rol in (("nadia", "normativo"), ("rosa", "revisor"), ("tere", "titular"), ("vico", "validador"))}
    today = hoy()
    with app.app_context(), transaction():
        who = {name: load_principal(user_id=uid)[0] for name, uid in ids.items()}

        def publish(document, text, desde, name="v.md"):
            version = docs.upload_version(who["nadia"], document, filename=name, data=text.encode(), resumen="Prueba")
            flow.transition(who["nadia"], version, "enviar_revision")
            flow.transition(who["rosa"], version, "aprobar_revision")
            flow.transition(who["tere"], version, "aprobar")
            if document.tipo == "formato":
                flow.transition(who["vico"], version, "validar")
            flow.transition(who["nadia"], version, "publicar", vigente_desde=today + timedelta(days=desde),
                            destinatarios={"unidades": ["3301"]}, historico=desde < 0)
            return version

        def create(clave, titulo, tipo, area, **extra):
            return docs.create_document(who["nadia"], clave=clave, titulo=titulo, tipo=tipo, area=area, **extra)

        manual = create("9312-003-012", "Procedimiento para la notificación de créditos fiscales",
                        "manual_procedimientos", DGR)
        publish(manual, MANUAL_V1, -1000)
        publish(manual, MANUAL_V2, -100)
        viejo = create("9300-006-014", "Criterio de prescripción", "criterio_normativo", SUB)
        publish(viejo, CRITERIO_VIEJO, -500)
        nuevo = create("9300-006-026", "Criterio de devolución y embargo", "criterio_normativo", SUB,
                       relaciones=[{"tipo": "abroga", "clave": "9300-006-014"}])
        publish(nuevo, CRITERIO_NUEVO, -10)
        instructivo = create("9312-004-001", "Instructivo de llenado", "instructivo", DGR)
        publish(instructivo, INSTRUCTIVO, 30)
        formato = create("9312-009-001", "Lineamiento del acta de notificación", "lineamiento", DGR,
                         palabras_clave="visita domiciliaria")
        publish(formato, FORMATO, -50)
        borrador = create("9312-003-099", "Borrador reservado", "manual_procedimientos", DGR)
        docs.upload_version(who["nadia"], borrador, filename="b.md", data=BORRADOR.encode(), resumen="Borrador")
    return {"today": today, "ids": {"manual": manual.id, "viejo": viejo.id, "nuevo": nuevo.id,
                                    "instructivo": instructivo.id, "formato": formato.id, "borrador": borrador.id}}
