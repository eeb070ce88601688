import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SimulationResult } from '../result.ts'
import { renderHtml } from './html.ts'

/** `2025-03-01T12:04:05.123Z` → `20250301-120405-123`: sorts by time, safe in any file system. */
function stamp (startedAt: string): string {
  const t = new Date(startedAt)
  const iso = (Number.isNaN(t.getTime()) ? new Date() : t).toISOString()
  return iso.replace(/[-:]/g, '').replace('T', '-').replace('.', '-').replace('Z', '')
}

/** A scenario may be named by a path: keep the file name to one plain segment. */
const safe = (name: string): string => name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '') || 'scenario'

/** Writes `<scenario>-<mode>-<timestamp>.json` and the `.html` report next to it; returns both paths. */
export async function writeReport (result: SimulationResult, dir: string): Promise<{ json: string, html: string }> {
  await mkdir(dir, { recursive: true })
  const base = join(dir, `${safe(result.scenario)}-${result.mode}-${stamp(result.started_at)}`)
  const paths = { json: `${base}.json`, html: `${base}.html` }
  await writeFile(paths.json, `${JSON.stringify(result, null, 2)}\n`)
  await writeFile(paths.html, renderHtml(result))
  return paths
}
