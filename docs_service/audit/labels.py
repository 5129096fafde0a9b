"""Spanish labels of the audit trail: actions (signal names and refusals), results, object kinds."""

ACCIONES = {
    "usuario_creado": "Usuario creado",
    "usuario_modificado": "Usuario modificado",
    "contrasena_cambiada": "Contraseña cambiada",
    "token_creado": "Token de API emitido",
    "token_revocado": "Token de API revocado",
    "inicio_sesion": "Inicio de sesión",
    "inicio_sesion_fallido": "Inicio de sesión fallido",
    "cierre_sesion": "Cierre de sesión",
    "catalogo_cargado": "Catálogo de unidades cargado",
    "documento_creado": "Documento registrado",
    "documento_modificado": "Metadatos del documento modificados",
    "documento_relacionado": "Relación entre documentos registrada",
    "version_cargada": "Versión cargada",
    "version_transicion": "Paso del flujo de una versión",
    "version_publicada": "Versión publicada",
    "documento_abrogado": "Documento abrogado",
    "acuse_registrado": "Acuse de recibo registrado",
    "recordatorio_acuse": "Recordatorio de acuse enviado",
    "archivo_descargado": "Archivo descargado",
    "acceso_denegado": "Acceso denegado",
    "upload_rechazado": "Carga rechazada",
    "solicitud_rechazada": "Solicitud rechazada",
    "creditos_importados": "Créditos importados",
    "credito_transicion": "Cambio de fase de un crédito",
    "credito_documento": "Documento de un crédito",
    "traslado_solicitado": "Traslado solicitado",
    "traslado_resuelto": "Traslado resuelto",
    "tramite_registrado": "Trámite registrado",
    "tramite_resuelto": "Trámite resuelto",
    "pagos_importados": "Pagos importados",
    "pago_aplicado": "Pago aplicado",
    "certificacion_pago_solicitada": "Certificación de pago solicitada",
    "certificacion_pago_revisada": "Certificación de pago revisada",
    "pago_certificado": "Pago certificado",
}
# Keys of an entry's detail, where their words are not enough.
CLAVES = {"accion": "acción", "numero": "número", "sha256": "SHA-256", "a": "a", "de": "de"}
# Details whose values are codes another area labels: audit action → detail key → the Jinja filter
# that area registers for its pages (no import of the area; a missing filter leaves the code).
CODED_VALUES = {
    "version_transicion": {"de": "estado", "a": "estado", "accion": "accion"},
    "credito_transicion": {"de": "fase", "a": "fase"},
    "documento_creado": {"tipo": "tipo_documento"},
    "documento_relacionado": {"tipo": "relacion"},
}
RESULTADOS = {"ok": "Correcto", "denegado": "Denegado", "rechazado": "Rechazado"}
OBJETOS = {
    "documentos": "Documento", "versiones": "Versión", "acuses": "Acuse", "usuarios": "Usuario",
    "tokens_api": "Token de API", "unidades": "Unidad",
}


def accion(code: str) -> str:
    """The label of an action; an action without one reads as its words (never a bare code)."""
    return ACCIONES.get(code) or (code or "").replace("_", " ").capitalize()


def template_filters() -> dict:
    return {"accion_auditoria": accion,
            "resultado_auditoria": lambda code: RESULTADOS.get(code, code),
            "objeto_auditoria": lambda code: OBJETOS.get(code, (code or "").replace("_", " ").capitalize())}
