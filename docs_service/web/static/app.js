// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // Narrow screens: the menu collapses behind a button (keyboard and screen-reader friendly).
  var boton = document.querySelector(".menu-boton");
  var barra = document.querySelector(".barra");
  if (boton && barra) {
    boton.addEventListener("click", function () {
      var abierto = barra.classList.toggle("abierta");
      boton.setAttribute("aria-expanded", abierto ? "true" : "false");
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && barra.classList.contains("abierta")) {
        barra.classList.remove("abierta");
        boton.setAttribute("aria-expanded", "false");
        boton.focus();
      }
    });
  }
  // Narrow screens show table rows as cards: each cell carries its column's name.
  document.querySelectorAll("table").forEach(function (tabla) {
    var titulos = Array.prototype.map.call(tabla.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    tabla.querySelectorAll("tbody tr").forEach(function (fila) {
      Array.prototype.forEach.call(fila.children, function (celda, i) {
        if (titulos[i] && !celda.hasAttribute("data-label") && !celda.hasAttribute("colspan")) {
          celda.setAttribute("data-label", titulos[i]);
        }
      });
    });
  });
  // Table fields of a form (<table data-fila-completa>): once a cell of a row has a value, the row's
  // cells marked data-si-se-llena become required (announced, «*» in their label), as the server asks.
  document.querySelectorAll("table[data-fila-completa] tbody tr").forEach(function (fila) {
    var celdas = fila.querySelectorAll("input, select, textarea");
    var marcar = function () {
      var llena = Array.prototype.some.call(celdas, function (c) { return c.value.trim() !== ""; });
      fila.querySelectorAll("[data-si-se-llena]").forEach(function (c) {
        c.required = llena;
        c.setAttribute("aria-required", llena ? "true" : "false");
        var td = c.closest("td");
        var etiqueta = td && td.querySelector("label[for='" + c.id + "']");
        [[td, "data-label"], [etiqueta, null]].forEach(function (par) {
          var el = par[0];
          if (!el) { return; }
          var texto = (par[1] ? el.getAttribute(par[1]) : el.textContent).replace(/ \*$/, "") + (llena ? " *" : "");
          if (par[1]) { el.setAttribute(par[1], texto); } else { el.textContent = texto; }
        });
      });
    };
    Array.prototype.forEach.call(celdas, function (c) {
      c.addEventListener("input", marcar);
      c.addEventListener("change", marcar);
    });
    marcar();
  });
  // Copy buttons: <button data-copiar="#id">.
  document.querySelectorAll("[data-copiar]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var origen = document.querySelector(b.getAttribute("data-copiar"));
      if (!origen || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(origen.textContent.trim()).then(function () {
        b.textContent = "Copiado";
      });
    });
  });
  // Buttons that ask before acting: <button data-confirmar="¿…?">.
  document.querySelectorAll("[data-confirmar]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirmar"))) { e.preventDefault(); }
    });
  });
});
