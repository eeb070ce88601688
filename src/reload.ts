import { canonicalJson } from './codec/canonical-json.ts'
import { CONFIG_KEYS, type NodeConfig } from './node-config.ts'

/**
 * The settings a running node applies when its config changes; every other one is read at
 * start only (addresses, identity, data, the network, limits the protocols were set up with).
 */
export const RELOADABLE: ReadonlySet<keyof NodeConfig> = new Set<keyof NodeConfig>([
  'logLevel', 'corsOrigins', 'telemetryIntervalMs', 'maxPeers', 'strategy', 'services'
])

export interface SettingChange {
  key: keyof NodeConfig
  from: unknown
  to: unknown
}

export interface ReloadPlan {
  /** Changes applied at run time. */
  apply: SettingChange[]
  /** Changes that take effect only at the next start. */
  restart: SettingChange[]
}

const same = (a: unknown, b: unknown): boolean => canonicalJson({ v: a ?? null }) === canonicalJson({ v: b ?? null })

/** Pure: what differs between the running config and a re-read one, split by whether it applies now. */
export function planReload (current: NodeConfig, next: NodeConfig): ReloadPlan {
  const plan: ReloadPlan = { apply: [], restart: [] }
  for (const key of Object.keys(CONFIG_KEYS) as Array<keyof NodeConfig>) {
    if (same(current[key], next[key])) continue
    const change = { key, from: current[key], to: next[key] }
    if (RELOADABLE.has(key)) plan.apply.push(change)
    else plan.restart.push(change)
  }
  return plan
}

/** What a reload did, by config-file name of each setting. */
export interface ReloadReport {
  changed: Array<{ setting: string, from: unknown, to: unknown, applied: boolean }>
  applied: string[]
  restartRequired: string[]
}

export function reloadReport (plan: ReloadPlan): ReloadReport {
  const view = (applied: boolean) => (c: SettingChange) => ({ setting: CONFIG_KEYS[c.key], from: c.from ?? null, to: c.to ?? null, applied })
  return {
    changed: [...plan.apply.map(view(true)), ...plan.restart.map(view(false))],
    applied: plan.apply.map(c => CONFIG_KEYS[c.key]),
    restartRequired: plan.restart.map(c => CONFIG_KEYS[c.key])
  }
}
