import { Hono } from 'hono'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { StaticAssets } from '../static/assets.ts'

const ASSETS = new StaticAssets({
  'swagger-ui-bundle.js': 'swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui.css': 'swagger-ui-dist/swagger-ui.css',
  'docs.js': new URL('../static/docs.js', import.meta.url).href
})

export const docsOperations = operations(
  { id: 'openApiDocument', method: 'get', path: '/v1/openapi.json', tag: 'docs', summary: 'This document: OpenAPI 3.1, generated from the schemas the routes validate with', responses: { 200: { mediaType: 'application/json', description: 'The OpenAPI document' } } },
  { id: 'apiReference', method: 'get', path: '/docs', tag: 'docs', summary: 'Interactive API reference (Swagger UI, served by the node)', responses: { 200: { mediaType: 'text/html', description: 'An HTML page' } } },
  { id: 'apiReferenceAsset', method: 'get', path: '/docs/assets/:file', tag: 'docs', summary: 'A script or style sheet of the API reference', responses: { 200: { mediaType: '*/*', description: 'The file, a script or a style sheet' } }, errors: [404] }
)

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>meshnode API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs.js"></script>
</body>
</html>
`

/** The OpenAPI document and its interactive reference, every asset from the node's own package. */
export function docsRoutes (document: Record<string, unknown>): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  const json = JSON.stringify(document)
  app.get('/v1/openapi.json', c => c.body(json, 200, { 'Content-Type': 'application/json; charset=utf-8' }))
  app.get('/docs', c => c.html(PAGE))
  app.get('/docs/assets/:file', async c => {
    const asset = await ASSETS.get(c.req.param('file'))
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=3600' })
  })
  return app
}
