"""Pages speak Spanish labels, not codes: states, actions, roles and units; times are local."""
import re

from tests.documents.helpers import act, create_document, upload
from tests.web.visible import codes_in, visible_text


def test_inbox_and_version_page_show_labels_and_local_times(client, users, login):
    _nora, nora = users("nora", ["normativo"], "NC")
    users("rita", ["revisor"], "3301")
    doc = create_document(client, nora)
    upload(client, nora, doc)
    assert act(client, nora, doc, 1, "enviar_revision").status_code == 200
    login("rita")
    inbox = visible_text(client.get("/bandeja").get_data(as_text=True))
    assert "En revisión" in inbox and "Aprobar revisión" in inbox
    assert codes_in(inbox) == []
    page = visible_text(client.get(f"/documentos/{doc}/versiones/1").get_data(as_text=True))
    assert "Enviada a revisión" in page
    assert codes_in(page) == []
    # The log's time reads dd/mm/yyyy hh:mm (24 h), never UTC.
    assert re.search(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b", page) and "UTC" not in page
    home = visible_text(client.get("/").get_data(as_text=True))
    assert "Revisión" in home and "3301 Mérida Norte" in home and "Bienvenid" not in home
