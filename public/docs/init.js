// Renders /api/v1/openapi.json with Swagger UI (served from this site, see scripts/vendor-assets.mjs).
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  defaultModelsExpandDepth: 0,
  docExpansion: 'list',
  tryItOutEnabled: false,
});
