// The public API's docs page (templates/votes/api/docs.html): Swagger UI on the OpenAPI
// document whose address the page gives in a data attribute. No inline script: the
// Content-Security-Policy allows none.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: node.getAttribute("data-schema-url"),
    domNode: node,
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    // Nothing is sent to an outside validator: the page works without internet.
    validatorUrl: null,
  });
})();
