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


def test_demo_people_and_their_units_are_named_once(app, client, login):
    """The header and a consulta name a demo person and its unit once: «Nombre · 3301 Mérida Norte»,
    never the unit inside the name and again beside it, nor «(demostración) (3301 …)»."""
    from docs_service.accounts import demo as accounts_demo
    from docs_service.consultations import demo as consultations_demo
    with app.app_context():
        accounts_demo.load()
        consultations_demo.load()
    login("consultor.3301", accounts_demo.DEMO_PASSWORD)
    html = client.get("/consultas").get_data(as_text=True)
    header = visible_text(re.search(r'data-testid="usuario">(.*?)</span>', html).group(1))
    assert header == "Consultas de la Subdelegación (demostración) · 3301 Mérida Norte"
    folio = re.search(r"CON-\d{4}-\d{6}(?=</a></td>\s*<td>Anticipación)", html).group(0)
    page = visible_text(client.get(f"/consultas/{folio}").get_data(as_text=True))
    line = re.search(r"Consulta\s*(3301.*?)\s*Responde", page).group(1)
    assert line == "3301 Mérida Norte · registró Consultas de la Subdelegación (demostración)"
    assert ") (" not in page and page.count("Mérida Norte") == page.count("3301 Mérida Norte")
    client.get("/logout")
    login("operativo.3301", accounts_demo.DEMO_PASSWORD)
    home = visible_text(client.get("/").get_data(as_text=True))
    assert home.count("Mérida Norte") == 2  # header and «Unidad: 3301 Mérida Norte», each once with its key
    assert "Operativo de cobranza (demostración) · 3301 Mérida Norte" in home
