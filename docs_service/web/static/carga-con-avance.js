// Forms marked data-avance upload with a progress bar (the page works without it: a plain submit).
// With data-avance-url the form also polls the server's progress of the work the upload started
// (rows read, loaded, rejected) until the response arrives.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-avance]").forEach(function (form) {
    var barra = form.querySelector("progress");
    var estado = form.querySelector("[data-estado]");
    var url = form.getAttribute("data-avance-url");
    function cifra(n) { return Number(n || 0).toLocaleString("es-MX"); }
    function decir(texto) { if (estado && estado.textContent !== texto) { estado.textContent = texto; } }
    function mostrar(a) {
      if (a.total_bytes > 0) { barra.value = Math.min(100, Math.round(100 * a.bytes / a.total_bytes)); }
      if (a.estado === "en_curso") {
        // The text changes once per chunk of rows (a live region read aloud), the bar as the file is read.
        decir("Validando y cargando: " + cifra(a.filas) + " filas procesadas (" + cifra(a.cargadas) +
              " cargadas, " + cifra(a.sin_cambios) + " sin cambios, " + cifra(a.rechazadas) + " rechazadas).");
      }
    }
    form.addEventListener("submit", function (e) {
      if (!window.XMLHttpRequest || !window.FormData || !barra) { return; }
      e.preventDefault();
      var terminado = false;
      var boton = form.querySelector("button[type=submit]");
      function consultar() {
        if (terminado || !url) { return; }
        var r = new XMLHttpRequest();
        r.open("GET", url);
        r.setRequestHeader("Accept", "application/json");
        r.onload = function () {
          if (terminado) { return; }
          if (r.status === 200) { try { mostrar(JSON.parse(r.responseText)); } catch (err) { /* keep waiting */ } }
          setTimeout(consultar, 1000);
        };
        r.onerror = function () { if (!terminado) { setTimeout(consultar, 2000); } };
        r.send();
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      barra.hidden = false;
      if (boton) { boton.disabled = true; }
      decir("Enviando archivo…");
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) {
          barra.value = Math.round(100 * ev.loaded / ev.total);
          decir("Enviando archivo: " + barra.value + " %");
        }
      };
      xhr.upload.onload = function () {
        barra.value = 0;
        decir("Validando y cargando las filas…");
      };
      xhr.onload = function () {
        terminado = true;
        document.open(); document.write(xhr.responseText); document.close();
        if (xhr.responseURL) { window.history.replaceState(null, "", xhr.responseURL); }
      };
      xhr.onerror = function () { terminado = true; form.submit(); };
      xhr.send(new FormData(form));
      setTimeout(consultar, 500);
    });
  });
});
