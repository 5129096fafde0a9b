"""In-app notifications from the workflow's signals: who is told, reading them, the overdue sweep."""
import re
from datetime import timedelta

from sqlalchemy import select, update

from docs_service.core.db import db, transaction
from docs_service.core.fechas import hoy
from tests.conftest import csrf_from
from tests.documents.helpers import act, approve, create_document, upload


def mine(client, auth, token, **query):
    response = client.get("/api/v1/notificaciones", headers=auth(token), query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_each_step_tells_who_must_act_and_the_author(client, staff, auth, users):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    assert act(client, staff["normativo"], doc, 1, "enviar_revision").status_code == 200
    revisor = mine(client, auth, staff["revisor"])
    assert revisor["total"] == 1
    notice = revisor["items"][0]
    assert notice["tipo"] == "por_atender" and notice["tipo_nombre"] == "Versión por atender"
    assert "Por revisar: 9312-003-012 versión 1" in notice["titulo"]
    assert notice["enlace"] == f"/documentos/{doc}/versiones/1" and notice["leida"] is None
    assert mine(client, auth, staff["normativo"])["total"] == 0  # nobody is told about their own action
    assert mine(client, auth, staff["titular"])["total"] == 0

    assert act(client, staff["revisor"], doc, 1, "devolver", comentario="Falta el fundamento").status_code == 200
    author = mine(client, auth, staff["normativo"])["items"]
    assert [n["tipo"] for n in author] == ["devuelta"]
    assert "devuelta" in author[0]["titulo"] and author[0]["detalle"] == "Comentario: Falta el fundamento"

    approve(client, staff, doc, 1)  # enviar → aprobar revisión → aprobar
    assert "Por aprobar" in mine(client, auth, staff["titular"])["items"][0]["titulo"]
    latest = mine(client, auth, staff["normativo"])["items"][0]
    assert latest["tipo"] == "aprobada" and "puede publicarla" in latest["titulo"]

    _, other_normativo = users("neto", ["normativo"], "NC", password=None)
    assert act(client, other_normativo, doc, 1, "publicar", destinatarios={"ooad": ["33"]}).status_code == 200
    assert mine(client, auth, staff["normativo"])["items"][0]["tipo"] == "publicada"
    for unit_operativo in ("oscar", "olga"):  # 3301 and 3333 are Subdelegaciones of OOAD 33
        items = mine(client, auth, staff[unit_operativo])["items"]
        assert [n["tipo"] for n in items] == ["acuse_pendiente"]
        assert "Acuse pendiente: 9312-003-012 versión 1" in items[0]["titulo"]
    assert mine(client, auth, staff["otto"])["total"] == 0  # 1601 is not a recipient


def test_mark_read_one_and_all_and_never_anothers(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    act(client, staff["normativo"], doc, 1, "enviar_revision")
    notice = mine(client, auth, staff["revisor"])["items"][0]
    # Another person cannot read or mark it: 404, and it stays unread.
    assert client.post(f"/api/v1/notificaciones/{notice['id']}/leida", headers=auth(staff["titular"])).status_code == 404
    assert mine(client, auth, staff["revisor"], no_leidas="true")["total"] == 1
    response = client.post(f"/api/v1/notificaciones/{notice['id']}/leida", headers=auth(staff["revisor"]))
    assert response.status_code == 200 and response.get_json()["leida"] is not None
    assert mine(client, auth, staff["revisor"], no_leidas="true")["total"] == 0
    assert mine(client, auth, staff["revisor"])["total"] == 1
    assert client.post("/api/v1/notificaciones/999999/leida", headers=auth(staff["revisor"])).status_code == 404
    assert client.post(f"/api/v1/notificaciones/{2**40}/leida", headers=auth(staff["revisor"])).status_code == 404

    act(client, staff["revisor"], doc, 1, "devolver", comentario="Corregir")
    act(client, staff["normativo"], doc, 1, "enviar_revision")
    assert mine(client, auth, staff["revisor"], no_leidas="true")["total"] == 1
    marked = client.post("/api/v1/notificaciones/leidas", headers=auth(staff["revisor"]))
    assert marked.status_code == 200 and marked.get_json() == {"marcadas": 1}
    assert mine(client, auth, staff["revisor"], no_leidas="true")["total"] == 0
    assert client.get("/api/v1/notificaciones").status_code == 401


def _publish_to_3301(client, staff):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    assert act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"unidades": ["3301"]}).status_code == 200
    return doc


def test_overdue_acuses_are_notified_once_by_the_command(app, client, runner, staff, auth):
    doc = _publish_to_3301(client, staff)
    first = runner.invoke(args=["notificaciones", "vencidos"])
    assert first.exit_code == 0 and "vencidos: 0" in first.output  # not overdue yet
    from docs_service.workflow.models import Acuse
    with app.app_context(), transaction():
        db.session.execute(update(Acuse).values(fecha_limite=hoy() - timedelta(days=1)))
    for _ in range(2):
        result = runner.invoke(args=["notificaciones", "vencidos"])
        assert result.exit_code == 0, result.output
    assert "vencidos: 0" in result.output  # the second run finds it already notified
    overdue = [n for n in mine(client, auth, staff["oscar"])["items"] if n["tipo"] == "acuse_vencido"]
    assert len(overdue) == 1
    assert overdue[0]["titulo"].startswith("Acuse vencido: 9312-003-012 versión 1")
    assert "3301" in overdue[0]["detalle"]
    # Once the unit acknowledges, nothing more is overdue for it, and its notices asking for the acuse
    # (pending and overdue) no longer read as new.
    assert {n["tipo"] for n in mine(client, auth, staff["oscar"])["items"] if not n["leida"]} >= {"acuse_pendiente",
                                                                                               "acuse_vencido"}
    client.post(f"/api/v1/documentos/{doc}/versiones/1/acuses", headers=auth(staff["oscar"]))
    with app.app_context():
        assert db.session.scalar(select(Acuse.estado)) == "recibido"
    unread = [n["tipo"] for n in mine(client, auth, staff["oscar"])["items"] if not n["leida"]]
    assert "acuse_pendiente" not in unread and "acuse_vencido" not in unread


def test_bell_counts_unread_and_opening_marks_read(client, staff, users, login):
    users("rosa", ["revisor"], "NC")
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    act(client, staff["normativo"], doc, 1, "enviar_revision")
    login("rosa")
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="campana"' in home and 'aria-label="Notificaciones: 1 sin leer"' in home
    page = client.get("/notificaciones")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Por revisar: 9312-003-012 versión 1" in html and "nueva" in html
    notice_id = int(re.search(r"/notificaciones/(\d+)/abrir", html).group(1))
    opened = client.post(f"/notificaciones/{notice_id}/abrir", data={"csrf_token": csrf_from(html)})
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/documentos/{doc}/versiones/1")
    assert 'aria-label="Notificaciones: 0 sin leer"' in client.get("/").get_data(as_text=True)
    assert client.post("/notificaciones/999999/abrir", data={"csrf_token": csrf_from(html)}).status_code == 404


def test_email_preference_page_keeps_input_on_error(app, client, users, login):
    from docs_service.notifications.models import Preference
    uid, _ = users("rosa", ["revisor"], "NC")
    login("rosa")
    page = client.get("/notificaciones/preferencias").get_data(as_text=True)
    assert "no tiene configurado el envío de correo" in page
    bad = client.post("/notificaciones/preferencias", data={"csrf_token": csrf_from(page), "correo": "rosa@", "por_correo": "1"})
    assert bad.status_code == 422
    assert "El correo electrónico no es válido." in bad.get_data(as_text=True) and 'value="rosa@"' in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Preference, uid) is None
    good = client.post("/notificaciones/preferencias",
                       data={"csrf_token": csrf_from(page), "correo": "rosa@imss.gob.mx", "por_correo": "1"})
    assert good.status_code == 303
    with app.app_context():
        saved = db.session.get(Preference, uid)
        assert (saved.correo, saved.por_correo) == ("rosa@imss.gob.mx", True)


def test_reminder_from_the_coverage_page_notifies_pending_units(app, client, staff, auth, users, login):
    from docs_service.documents.models import Version
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"unidades": ["3301", "3333"]})
    client.post(f"/api/v1/documentos/{doc}/versiones/1/acuses", headers=auth(staff["olga"]))  # 3333 acknowledges
    with app.app_context():
        version_id = db.session.scalar(select(Version.id))
    users("nina", ["normativo"], "NC")
    login("nina")
    page = client.get(f"/difusion/{version_id}").get_data(as_text=True)
    response = client.post(f"/difusion/{version_id}/recordatorio", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    reminders = [n for n in mine(client, auth, staff["oscar"])["items"] if n["tipo"] == "recordatorio"]
    assert len(reminders) == 1 and reminders[0]["titulo"].startswith("Recordatorio: acuse pendiente de 9312-003-012 versión 1")
    assert not [n for n in mine(client, auth, staff["olga"])["items"] if n["tipo"] == "recordatorio"]


def test_error_page_after_a_failed_flush_still_renders(app, client, staff, users, login, backend):
    """GIVEN the audit insert fails WHEN a signed-in person saves a document from its page THEN the
    503 page renders (the header's unread count must not break it) and nothing changed."""
    from sqlalchemy import text
    doc = create_document(client, staff["normativo"])
    users("nina", ["normativo"], "NC")
    login("nina")
    form = client.get(f"/documentos/{doc}/editar").get_data(as_text=True)
    lock = re.search(r'name="lock" value="(\d+)"', form).group(1)
    with app.extensions["docs_engine"].begin() as conn:
        if backend == "sqlite":
            conn.execute(text("CREATE TRIGGER romper BEFORE INSERT ON auditoria BEGIN SELECT RAISE(ABORT, 'x'); END"))
        else:
            conn.execute(text("CREATE FUNCTION romper() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'x'; END; $$ LANGUAGE plpgsql"))
            conn.execute(text("CREATE TRIGGER romper BEFORE INSERT ON auditoria FOR EACH ROW EXECUTE FUNCTION romper()"))
    response = client.post(f"/documentos/{doc}/editar", data={
        "csrf_token": csrf_from(form), "lock": lock, "titulo": "Otro título", "area": "División de Registro",
        "fundamento": "", "palabras_clave": ""})
    assert response.status_code == 503
    assert "No se pudo registrar la auditoría" in response.get_data(as_text=True)
    with app.extensions["docs_engine"].connect() as conn:
        assert conn.execute(text("SELECT titulo FROM documentos")).scalar() == "Manual de notificación"
