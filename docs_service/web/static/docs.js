// Swagger UI for /api/v1/docs. Writes made with the page's session carry its CSRF token in the
// X-CSRFToken header (flask-wtf reads it there); calls authorised with a bearer token need none.
(function () {
  "use strict";
  var boot = document.getElementById("docs-boot");
  var csrf = boot.getAttribute("data-csrf-token");
  var safe = { GET: true, HEAD: true, OPTIONS: true };
  window.addEventListener("load", function () {
    window.ui = SwaggerUIBundle({
      url: boot.getAttribute("data-spec-url"),
      dom_id: "#swagger-ui-container",
      persistAuthorization: false,
      requestInterceptor: function (request) {
        var method = (request.method || "GET").toUpperCase();
        var headers = request.headers || {};
        if (!safe[method] && !headers.Authorization && !headers.authorization) {
          headers["X-CSRFToken"] = csrf;
        }
        request.headers = headers;
        return request;
      }
    });
  });
})();
