#!/usr/bin/env node
// The meshnode binary. The project brings its own Node (>= 22.18, which runs TypeScript
// directly); npm scripts and npx put it first on the PATH.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`meshnode: needs Node.js >= 22.18 (found ${process.versions.node}); run it through npx meshnode or npm start, which use the Node that npm install brought`)
  process.exit(1)
}
await import('../node/main.ts')
