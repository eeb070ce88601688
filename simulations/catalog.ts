import { readdir } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { MeshError } from '../src/errors.ts'
import { loadScenarioFile } from './scenario/load.ts'
import type { Scenario } from './scenario/schema.ts'

/** The built-in scenarios ship as files in this folder, in the same format users write. */
const BUILT_IN_DIR = new URL('./scenarios/', import.meta.url).pathname
const SCENARIO_EXTENSIONS = new Set(['.yaml', '.yml', '.json'])

export async function builtInScenarios (): Promise<Scenario[]> {
  const files = (await readdir(BUILT_IN_DIR)).filter(f => SCENARIO_EXTENSIONS.has(extname(f))).sort()
  return await Promise.all(files.map(async f => await loadScenarioFile(join(BUILT_IN_DIR, f))))
}

/** A built-in scenario by name, or a scenario file by path (anything with a scenario extension). */
export async function resolveScenario (nameOrPath: string): Promise<Scenario> {
  if (SCENARIO_EXTENSIONS.has(extname(nameOrPath))) return await loadScenarioFile(nameOrPath)
  const all = await builtInScenarios()
  const found = all.find(s => s.name === nameOrPath)
  if (found === undefined) throw new MeshError('NOT_FOUND', `no built-in scenario ${nameOrPath}; built-in: ${all.map(s => s.name).join(', ')} (or give a .yaml or .json file)`)
  return found
}
