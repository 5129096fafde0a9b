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
  var POR_PAGINA = 10;  // consultations/views.py CITE_PAGE

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
  // the same sentence as the page draws without JavaScript (consultations/views.py, results_line)
  function lineaResultados(total, mostrados, q, dia) {
    if (total === 0) { return "Ningún resultado de «" + q + "» vigente al " + dia + "."; }
    if (mostrados === 0) { return "Los resultados de «" + q + "» vigentes al " + dia + " ya están entre las citas marcadas."; }
    if (total > POR_PAGINA) {
      return "Los primeros " + mostrados + " de " + total + " resultados de «" + q + "», vigentes al " + dia +
        "; precise la búsqueda para ver otros.";
    }
    return mostrados === 1 ? "1 resultado de «" + q + "», vigente al " + dia + "."
      : mostrados + " resultados de «" + q + "», vigentes al " + dia + ".";
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
    var url = citar.getAttribute("data-api") + "?" + new URLSearchParams({q: q, vigente_al: dia, por_pagina: String(POR_PAGINA)});
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
        var casillas = [];
        res.body.items.forEach(function (item) {
          var valor = item.documento_id + ":" + item.version + ":" + (item.numeral || "");
          if (vistos[valor]) { return; }
          vistos[valor] = true;
          var texto = item.clave + " v" + item.version + (item.numeral ? " · " + item.numeral : "");
          casillas.push(casilla(valor, texto, item.fragmento || "", item.resaltado));
        });
        var linea = parrafo(lineaResultados(res.body.total, casillas.length, q, fecha(res.body.vigente_al || dia)), "tenue");
        linea.setAttribute("data-testid", "cuantos-cita");
        resultados.appendChild(linea);
        if (res.body.sugerencia) {
          var aviso = parrafo("¿Quiso decir ", "aviso");
          aviso.setAttribute("data-testid", "sugerencia-cita");
          var boton = document.createElement("button");
          boton.type = "button";
          boton.className = "enlace-texto";
          boton.textContent = "«" + res.body.sugerencia + "»";
          boton.addEventListener("click", function () {
            form.elements.q.value = res.body.sugerencia;
            form.requestSubmit(form.querySelector("button[name=buscar]"));
          });
          aviso.appendChild(boton);
          aviso.appendChild(document.createTextNode("?"));
          resultados.appendChild(aviso);
        }
        casillas.forEach(function (c) { resultados.appendChild(c); });
      })
      .catch(function () {
        resultados.textContent = "";
        resultados.appendChild(parrafo("No se pudo buscar; intente de nuevo.", "aviso error")).setAttribute("role", "alert");
      });
  });
});
