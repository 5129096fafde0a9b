// Forms marked data-avance upload with a progress bar (the page works without it: a plain submit).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-avance]").forEach(function (form) {
    var barra = form.querySelector("progress");
    var estado = form.querySelector("[data-estado]");
    form.addEventListener("submit", function (e) {
      if (!window.XMLHttpRequest || !window.FormData || !barra) { return; }
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      barra.hidden = false;
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) {
          barra.value = Math.round(100 * ev.loaded / ev.total);
          if (estado) { estado.textContent = "Enviando archivo: " + barra.value + " %"; }
        }
      };
      xhr.upload.onload = function () {
        barra.removeAttribute("value");  // indeterminate while the server validates and loads
        if (estado) { estado.textContent = "Validando y cargando las filas…"; }
      };
      xhr.onload = function () {
        document.open(); document.write(xhr.responseText); document.close();
        if (xhr.responseURL) { window.history.replaceState(null, "", xhr.responseURL); }
      };
      xhr.onerror = function () { form.submit(); };
      xhr.send(new FormData(form));
    });
  });
});
