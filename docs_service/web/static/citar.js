// A consulta's answer form: "Buscar" asks the search API and lists the results as citations to
// tick, without reloading the page, so the text being written and the ticked citations stay.
// Without JavaScript the same button posts the form, which comes back with both kept; there Enter
// submits nothing (see the answer form in consultations/detail.html).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("respuesta");
  var citar = form && form.querySelector("[data-api]");
  if (!citar || !window.fetch) { return; }
  var elegidas = form.querySelector(".citas-elegidas");
  var resultados = form.querySelector(".resultados-cita");

  function fecha(iso) {
    var p = (iso || "").split("-");
    return p.length === 3 ? p[2] + "/" + p[1] + "/" + p[0] : iso;
  }
  function parrafo(texto, clase) {
    var p = document.createElement("p");
    p.className = clase;
    p.textContent = texto;
    return p;
  }
  function casilla(valor, texto, fragmento, spans) {
    var label = document.createElement("label");
    label.className = "casilla";
    var input = document.createElement("input");
    input.type = "checkbox";
    input.name = "citas";
    input.value = valor;
    label.appendChild(input);
    label.appendChild(document.createTextNode(" " + texto + " — "));
    var last = 0;
    (spans || []).forEach(function (s) {
      label.appendChild(document.createTextNode(fragmento.slice(last, s[0])));
      var mark = document.createElement("mark");
      mark.textContent = fragmento.slice(s[0], s[1]);
      label.appendChild(mark);
      last = s[1];
    });
    label.appendChild(document.createTextNode(fragmento.slice(last)));
    return label;
  }

  // Enter: in the search box it searches, in the rest of the form it answers. (The form's first
  // submit button is a disabled one, so without JavaScript Enter submits nothing.)
  var responder = form.querySelector("button[name=responder]");
  var buscar = form.querySelector("button[name=buscar]");
  function onEnter(input, button) {
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.isComposing && button && form.requestSubmit) {
        e.preventDefault();
        form.requestSubmit(button);
      }
    });
  }
  form.querySelectorAll(".citar-busqueda input").forEach(function (input) { onEnter(input, buscar); });
  form.querySelectorAll(".enviar input").forEach(function (input) { onEnter(input, responder); });

  form.addEventListener("submit", function (e) {
    if (!e.submitter || e.submitter.name !== "buscar") { return; }
    e.preventDefault();
    // what is ticked among the results becomes a chosen citation before the list is replaced
    resultados.querySelectorAll("input[name=citas]:checked").forEach(function (input) {
      elegidas.appendChild(input.closest("label"));
    });
    var q = form.elements.q.value.trim();
    var dia = form.elements.vigente_al.value;
    resultados.textContent = "";
    if (!q) {
      resultados.appendChild(parrafo("Escriba qué buscar.", "aviso error")).setAttribute("role", "alert");
      return;
    }
    resultados.appendChild(parrafo("Buscando…", "tenue"));
    var url = citar.getAttribute("data-api") + "?" + new URLSearchParams({q: q, vigente_al: dia, por_pagina: "10"});
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) { return {ok: r.ok, body: body}; });
      })
      .then(function (res) {
        resultados.textContent = "";
        if (!res.ok) {
          var msg = res.body.message || "No se pudo buscar; intente de nuevo.";
          resultados.appendChild(parrafo(msg, "aviso error")).setAttribute("role", "alert");
          return;
        }
        var vistos = {};
        elegidas.querySelectorAll("input[name=citas]").forEach(function (i) { vistos[i.value] = true; });
        resultados.appendChild(parrafo(res.body.total + " resultado(s) de «" + q + "», vigentes al " +
                                       fecha(res.body.vigente_al || dia) + ".", "tenue"));
        res.body.items.forEach(function (item) {
          var valor = item.documento_id + ":" + item.version + ":" + (item.numeral || "");
          if (vistos[valor]) { return; }
          vistos[valor] = true;
          var texto = item.clave + " v" + item.version + (item.numeral ? " · " + item.numeral : "");
          resultados.appendChild(casilla(valor, texto, item.fragmento || "", item.resaltado));
        });
      })
      .catch(function () {
        resultados.textContent = "";
        resultados.appendChild(parrafo("No se pudo buscar; intente de nuevo.", "aviso error")).setAttribute("role", "alert");
      });
  });
});
