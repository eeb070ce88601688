import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MeshError } from '../../src/errors.ts'

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png'
}

export interface Asset { body: Uint8Array<ArrayBuffer>, type: string }

/**
 * Static files the node serves from its own package (no CDN: a node may run with no internet):
 * a fixed map from the name in the URL to a module specifier or a file URL, read once.
 */
export class StaticAssets {
  private readonly files: ReadonlyMap<string, string>
  private readonly cache = new Map<string, Promise<Asset>>()

  /** `files`: URL name -> a specifier resolved like an import (`preact/dist/preact.mjs`) or a `file:` URL. */
  constructor (files: Record<string, string>) {
    this.files = new Map(Object.entries(files))
  }

  get (name: string): Promise<Asset> {
    const specifier = this.files.get(name)
    if (specifier === undefined) return Promise.reject(new MeshError('NOT_FOUND', `no asset ${name}`))
    let asset = this.cache.get(name)
    if (asset === undefined) {
      const path = fileURLToPath(specifier.startsWith('file:') ? specifier : import.meta.resolve(specifier))
      asset = readFile(path).then(body => ({ body: new Uint8Array(body), type: TYPES[extname(path)] ?? 'application/octet-stream' }))
      // A failed read is not kept: the next request tries again.
      asset.catch(() => this.cache.delete(name))
      this.cache.set(name, asset)
    }
    return asset
  }
}
