// A separate file rather than an inline script, so the page's CSP can forbid inline scripts.
// validatorUrl: null keeps Swagger UI from sending the document to swagger.io's online validator.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
  displayRequestDuration: true,
});
