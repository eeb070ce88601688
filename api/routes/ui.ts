import { Hono } from 'hono'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { StaticAssets } from '../static/assets.ts'

const own = (file: string): string => new URL(`../ui/${file}`, import.meta.url).href

/** The UI's files: its own, and the ES modules of the libraries it imports (by the import map of index.html), all from the package. */
const ASSETS = new StaticAssets({
  'app.js': own('app.js'),
  'views.js': own('views.js'),
  'plots.js': own('plots.js'),
  'locale.js': own('locale.js'),
  'style.css': own('style.css'),
  'preact.mjs': 'preact',
  'hooks.mjs': 'preact/hooks',
  'htm.mjs': 'htm',
  'uplot.mjs': 'uplot/dist/uPlot.esm.js',
  'uplot.css': 'uplot/dist/uPlot.min.css',
  'openapi-fetch.mjs': 'openapi-fetch'
})
const INDEX = new StaticAssets({ 'index.html': own('index.html') })

export const uiOperations = operations(
  { id: 'operatorUi', method: 'get', path: '/ui', tag: 'ui', summary: 'The operator web UI: peers, routing, billing, governance and election, live', responses: { 200: { mediaType: 'text/html', description: 'An HTML page' } } },
  { id: 'operatorUiAsset', method: 'get', path: '/ui/assets/:file', tag: 'ui', summary: 'A script or style sheet of the operator UI', responses: { 200: { mediaType: '*/*', description: 'The file, a script or a style sheet' } }, errors: [404] }
)

export function uiRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/ui', async c => {
    const page = await INDEX.get('index.html')
    return c.body(page.body, 200, { 'Content-Type': page.type, 'Cache-Control': 'no-cache' })
  })
  app.get('/ui/assets/:file', async c => {
    const asset = await ASSETS.get(c.req.param('file'))
    // The UI's own files change with the node's version; revalidate them, cache the libraries.
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' })
  })
  return app
}
