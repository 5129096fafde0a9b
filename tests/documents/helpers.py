"""Helpers to walk documents through the API in tests."""
import io

MANUAL_V1 = """# Manual de procedimientos para la notificación de créditos fiscales

Documento de prueba.

1. Objetivo
Establecer las actividades para notificar los créditos fiscales.

2. Ámbito de aplicación
Es de observancia obligatoria en las Subdelegaciones.

3. Políticas
3.1 El notificador deberá identificarse.
3.2 El acta se levanta el mismo día.

10. Serán obligaciones del notificador las siguientes:
a) Identificarse con credencial vigente.
b) Entregar copia del acta.
"""

MANUAL_V2 = MANUAL_V1.replace("3.2 El acta se levanta el mismo día.", "3.2 El acta se levanta el mismo día hábil de la diligencia.") \
    .replace("2. Ámbito de aplicación\nEs de observancia obligatoria en las Subdelegaciones.\n\n", "") \
    + "\n4. Vigilancia\nLa Jefatura de Cobranza vigilará el cumplimiento.\n"


def create_document(client, token, clave="9312-003-012", titulo="Manual de notificación", tipo="manual_procedimientos",
                    **extra):
    body = {"clave": clave, "titulo": titulo, "tipo": tipo, "area": "División de Registro", **extra}
    response = client.post("/api/v1/documentos", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def upload(client, token, doc_id, content=MANUAL_V1, filename="manual.md", resumen="Versión inicial"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(f"/api/v1/documentos/{doc_id}/versiones", headers={"Authorization": f"Bearer {token}"},
                       data={"resumen": resumen, "archivo": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def act(client, token, doc_id, numero, accion, **body):
    headers = {"Authorization": f"Bearer {token}"}
    etag = client.get(f"/api/v1/documentos/{doc_id}/versiones/{numero}", headers=headers).headers.get("ETag")
    return client.post(f"/api/v1/documentos/{doc_id}/versiones/{numero}/transiciones",
                       json={"accion": accion, **body}, headers={**headers, "If-Match": etag or ""})


def approve(client, tokens, doc_id, numero):
    """normativo sends, revisor approves review, titular approves (each a different person)."""
    for who, accion in (("normativo", "enviar_revision"), ("revisor", "aprobar_revision"), ("titular", "aprobar")):
        response = act(client, tokens[who], doc_id, numero, accion)
        assert response.status_code == 200, (accion, response.get_json())
