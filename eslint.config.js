import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', '.meshnode/', '.mesh-local/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error'
    }
  },
  {
    // The operator UI and the API reference run in the browser (api/ui, api/static).
    files: ['api/ui/**/*.js', 'api/static/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(['window', 'document', 'location', 'sessionStorage', 'navigator', 'EventSource', 'ResizeObserver', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'SwaggerUIBundle'].map(name => [name, 'readonly']))
    }
  },
  {
    // Library code logs through the structured logger; only the CLI, benchmarks and scripts print.
    files: ['src/**/*.ts', 'api/**/*.ts'],
    rules: { 'no-console': 'error' }
  },
  {
    // A unit test starts no server: a test that listens on a port, runs a libp2p node or a
    // meshnode belongs in test/integration or test/api (README, Tests). Types may be imported.
    files: ['test/unit/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [
          'node:http', 'node:https', 'node:net', 'node:child_process', 'http', 'https', 'net', 'child_process', 'libp2p', '@hono/node-server',
          '../../api/server.ts', '../../src/launch.ts', '../../src/p2p/libp2p.ts', '../../simulations/live/upstream.ts'
        ].map(name => ({ name, allowTypeImports: true, message: 'a unit test starts no server: move the test to test/integration or test/api' }))
          .concat({ name: '../helpers/nodes.ts', importNames: ['startNode', 'spawnNode', 'freePort'], allowTypeImports: true, message: 'a unit test starts no node: move the test to test/integration or test/api' })
      }]
    }
  }
)
