// The API reference of /docs: Swagger UI reading this node's document; nothing is fetched elsewhere.
SwaggerUIBundle({
  url: '/v1/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  persistAuthorization: false,
  tryItOutEnabled: false,
  validatorUrl: null
})
