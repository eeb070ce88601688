/**
 * Import rules, checked by `npm run lint`: a violation fails the lint with the rule's name.
 * Arrows point from what composes to what is composed: node/ -> api/ -> src/,
 * node/ -> simulations/ -> src/, and inside src/ from a higher layer to a lower one, so no two
 * folders ever import each other.
 */

/**
 * The folders of src/, lowest layer first. A folder imports only folders of lower layers (and
 * the kernel files of src/), never a folder of its own layer or above. A new folder takes its
 * place here.
 */
const SRC_LAYERS = [
  // Encodings and the database: no domain.
  ['codec', 'storage'],
  // What defines a network and what billing, governance and p2p all speak: genesis, network
  // parameters, amounts, weights, signatures.
  ['network'],
  // libp2p wiring, and the pure election.
  ['p2p', 'election'],
  // Load and health gossip, failure detection.
  ['telemetry'],
  // The platform's records and read model (tenants, keys, subscriptions), which governance carries.
  ['platform'],
  // The node's services, independent of each other; src/mesh.ts joins them.
  ['routing', 'billing', 'governance']
]

const layerRules = SRC_LAYERS.flatMap((layer, i) => layer.map(folder => {
  const lower = SRC_LAYERS.slice(0, i).flat()
  const notAllowed = SRC_LAYERS.slice(i).flat().filter(f => f !== folder)
  return {
    name: `src-layer-${folder}`,
    comment: `src/${folder}/ imports only ${lower.length === 0 ? 'no other folder' : lower.map(f => `src/${f}/`).join(', ')} of src/ (see SRC_LAYERS in .dependency-cruiser.js)`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: `^src/(${notAllowed.join('|')})/` }
  }
}))

/** The top-level folders: what each may not import (bench/ and test/ may import anything; these never import them). */
const topRules = [
  ['src-not-to-api-node-simulations', 'src', 'The mesh core knows nothing of HTTP, the binary, the simulations or the tests.', ['api', 'node', 'simulations']],
  ['api-not-to-node-simulations', 'api', 'The API is built on src/ alone; node/ mounts it.', ['node', 'simulations']],
  ['simulations-not-to-node', 'simulations', 'The simulations run nodes (src/ and their api/) directly; what they share with the binary lives in src/.', ['node']]
].map(([name, folder, comment, forbidden]) => ({
  name,
  comment,
  severity: 'error',
  from: { path: `^${folder}/` },
  to: { path: `^(${[...forbidden, 'bench', 'test'].join('|')})/` }
}))

export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other, directly or through others.',
      severity: 'error',
      from: {},
      to: { circular: true }
    },
    ...topRules,
    {
      name: 'src-kernel-not-to-folders',
      comment: 'The kernel files of src/ (errors, logging, clock, ...) are imported by every folder, so they import none.',
      severity: 'error',
      from: { path: '^src/(errors|logging|clock|duration|random|stats|version)\\.ts$' },
      to: { path: '^src/[^/]+/' }
    },
    {
      name: 'src-mesh-is-root',
      comment: 'src/mesh.ts composes the services; nothing in src/ imports it but src/launch.ts, which runs one node (process lifecycle, shared by the binary and the simulations).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(mesh|launch)\\.ts$' },
      to: { path: '^src/mesh\\.ts$' }
    },
    ...layerRules
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: they tie the folders together just the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' }
  }
}
