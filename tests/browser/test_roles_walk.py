"""Each role's main path, at desktop width and on a phone (390×844): every page shows labels (no
internal codes), local times, the home counters of that role, is no wider than the window, and has
no serious or critical axe-core violation."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from docs_service.core import fechas
from docs_service.core.db import utcnow
from tests.browser.conftest import page_problems, sign_in
from tests.conftest import PASSWORD
from tests.documents.helpers import MANUAL_V2, act, approve, create_document, upload
from tests.web.visible import codes_in

pytestmark = pytest.mark.browser
VIEWPORTS = {"escritorio": (1280, 800), "telefono": (390, 844)}
PEOPLE = (("nora", "normativo", "NC"), ("rita", "revisor", "NC"), ("tito", "titular", "NC"),
          ("vale", "validador", "NC"), ("oscar", "operativo", "3301"), ("cony", "consultor", "NC"),
          ("aldo", "auditor", "NC"), ("adela", "admin", "NC"))


def _corpus(client, tokens):
    """One publication to OOAD 33 (acuses pending), one version in review, one returned, one draft."""
    published = create_document(client, tokens["normativo"], clave="9312-003-012")
    upload(client, tokens["normativo"], published)
    approve(client, tokens, published, 1)
    assert act(client, tokens["normativo"], published, 1, "publicar", destinatarios={"ooad": ["33"]}).status_code == 200
    in_review = create_document(client, tokens["normativo"], clave="9312-003-020", titulo="Instructivo de embargo",
                                tipo="instructivo")
    upload(client, tokens["normativo"], in_review)
    act(client, tokens["normativo"], in_review, 1, "enviar_revision")
    returned = create_document(client, tokens["normativo"], clave="9312-003-021", titulo="Criterio de plazos",
                               tipo="criterio_normativo")
    upload(client, tokens["normativo"], returned)
    act(client, tokens["normativo"], returned, 1, "enviar_revision")
    act(client, tokens["revisor"], returned, 1, "devolver", comentario="Precise el plazo.")
    draft = create_document(client, tokens["normativo"], clave="9312-003-022", titulo="Lineamiento de cobro",
                            tipo="lineamiento")
    upload(client, tokens["normativo"], draft)
    approved = create_document(client, tokens["normativo"], clave="9312-003-023", titulo="Estrategia de cobro",
                               tipo="estrategia")
    upload(client, tokens["normativo"], approved)
    approve(client, tokens, approved, 1)
    upload(client, tokens["normativo"], published, content=MANUAL_V2, resumen="Precisa plazos")  # a second draft
    return {"publicado": published, "revision": in_review, "devuelto": returned, "borrador": draft,
            "aprobado": approved}


def _counters(page) -> dict[str, int]:
    out = {}
    for text in page.get_by_test_id("contador").all_inner_texts():
        number, label = text.strip().split(None, 1)
        out[re.sub(r"\s+", " ", label)] = int(number)
    return out


@pytest.mark.parametrize("backend", ["sqlite"])  # the pages' queries run on PostgreSQL in tests/workflow
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_role_walks_its_pages(live_server, browser, users, axe_source, viewport):
    base = live_server.base_url
    tokens = {rol: users(nombre, [rol], unidad)[1] for nombre, rol, unidad in PEOPLE}
    docs = _corpus(live_server.test_client(), tokens)
    v = {k: f"/documentos/{d}/versiones/1" for k, d in docs.items()}
    with live_server.app_context():
        from sqlalchemy import select
        from docs_service.accounts.models import User
        from docs_service.core.db import db
        from docs_service.documents.models import Version
        published_id = db.session.scalar(select(Version.id).where(Version.estado == "publicado"))
        oscar_id = db.session.scalar(select(User.id).where(User.nombre == "oscar"))
        db.session.close()
    width, height = VIEWPORTS[viewport]
    published_at = utcnow()
    walks = {
        "nora": ["/", "/bandeja", "/bandeja?ver=devueltas", "/documentos", f"/documentos/{docs['publicado']}",
                 v["devuelto"], v["aprobado"], f"/documentos/{docs['publicado']}/diff?de=1&a=2",
                 "/difusion?mias=1", f"/difusion/{published_id}?ooad=33", "/documentos/nuevo", "/notificaciones"],
        "rita": ["/", "/bandeja", v["revision"]],
        "tito": ["/", "/bandeja", "/creditos"],
        "vale": ["/"],
        "oscar": ["/", "/acuses", v["publicado"], "/constancias", "/constancias/lotes", "/verificacion", "/no-existe"],
        "cony": ["/", "/documentos", f"/documentos?vigente_al={fechas.hoy().isoformat()}"],
        "aldo": ["/", "/difusion", v["publicado"]],
        "adela": ["/", "/admin/usuarios", "/admin/usuarios/nuevo", f"/admin/usuarios/{oscar_id}"],
    }
    expected_counters = {
        "nora": {"Mis versiones devueltas con comentarios": 1, "Mis borradores": 2,
                 "Versiones aprobadas por publicar": 1, "Mis publicaciones con acuses pendientes": 1},
        "rita": {"Versiones que esperan mi revisión": 1, "Publicaciones con acuses pendientes": 1},
        "tito": {"Versiones que esperan mi aprobación": 0, "Publicaciones con acuses pendientes": 1},
        "oscar": {"Acuses pendientes de mi unidad": 1, "Acuses vencidos de mi unidad": 0},
    }
    problems = []
    for nombre, paths in walks.items():
        context = browser.new_context(locale="es-MX", viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, base, nombre, PASSWORD)
        page.wait_for_url(f"{base}/")
        for path in paths:
            if page.url != f"{base}{path}":
                page.goto(f"{base}{path}")
            text = page.inner_text("body")
            assert codes_in(text) == [], (path, codes_in(text))
            assert "UTC" not in text, path
            problems += page_problems(page, axe_source)
            if path == "/" and nombre in expected_counters:
                counters = _counters(page)
                assert {k: counters.get(k) for k in expected_counters[nombre]} == expected_counters[nombre], nombre
        if nombre == "aldo":
            # The workflow log reads in Mexico City time, 24-hour clock.
            log = page.get_by_test_id("bitacora").inner_text()
            shown = {fechas.fecha_hora(published_at + timedelta(minutes=m))[:-3] for m in (-1, 0, 1)}
            assert any(s in log for s in shown), (shown, log)
            assert "Publicada" in log and "En aprobación" in log
        context.close()
    assert problems == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_phone_menu_collapses_and_opens_by_keyboard(live_server, browser, users, axe_source):
    users("oscar", ["operativo"], "3301")
    base = live_server.base_url
    context = browser.new_context(locale="es-MX", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, base, "oscar", PASSWORD)
    menu = page.get_by_role("button", name="Menú")
    link = page.get_by_role("link", name="Acuses", exact=True)
    expect(menu).to_be_visible()  # waits for the page and its script (the menu collapses once it runs)
    expect(link).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true" and link.is_visible()
    assert page_problems(page, axe_source) == []
    page.keyboard.press("Escape")
    assert not link.is_visible()
    menu.click()
    link.click()
    page.wait_for_url(f"{base}/acuses")
    context.close()


def test_the_page_check_catches_sideways_scroll_and_unlabelled_inputs(browser, axe_source):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_content('<html lang="es"><body><main><h1>Prueba</h1><input name="q">'
                     '<div style="width: 900px">ancho</div></main></body></html>')
    problems = page_problems(page, axe_source)
    context.close()
    assert any("px de ancho en una ventana de 390 px" in p for p in problems), problems
    assert any("label (critical)" in p for p in problems), problems
