import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, test } from 'node:test'
import { parse as parseYaml } from 'yaml'

const read = async (path: string): Promise<string> => await readFile(new URL(`../../${path}`, import.meta.url), 'utf8')

/**
 * No Docker engine runs where the tests run: the image is checked by reading its Dockerfile.
 */
describe('packaging', () => {
  test('the image\'s Node is the one the project tests with (the node devDependency), in every stage', async () => {
    const pkg = JSON.parse(await read('package.json')) as { devDependencies: Record<string, string> }
    const froms = [...(await read('docker/Dockerfile')).matchAll(/^FROM\s+(\S+)/gm)].map(m => m[1])
    assert.ok(froms.length > 0)
    for (const from of froms) assert.equal(from, `node:${pkg.devDependencies.node}-slim`)
  })

  test('the image holds what `meshnode sim` loads, and a writable place for its reports', async () => {
    const dockerfile = await read('docker/Dockerfile')
    for (const dir of ['bin', 'node', 'src', 'api', 'simulations']) assert.match(dockerfile, new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'), `COPY ${dir}`)
    assert.match(dockerfile, /chown node:node \/sim-results/)
  })

  test('the compose mesh announces addresses that the other containers can dial', async () => {
    const compose = parseYaml(await read('docker/compose.yml')) as { services: Record<string, { environment: Record<string, string> }> }
    // The meshnode services; Prometheus and Grafana beside them announce nothing.
    const nodes = Object.entries(compose.services).filter(([name]) => /^node\d+$/.test(name))
    assert.equal(nodes.length, 5)
    for (const [name, service] of nodes) {
      assert.equal(service.environment.MESHNODE_ANNOUNCE, `/dns4/${name}/tcp/4001`)
    }
  })

  test('a LICENSE file with the license package.json names, and the Node versions npm install needs', async () => {
    const pkg = JSON.parse(await read('package.json')) as { license: string, engines?: { node?: string } }
    assert.equal(pkg.license, 'MIT')
    assert.match(await read('LICENSE'), /^MIT License\n/)
    // npm install runs on the machine's Node (20 will do: the node devDependency brings 24).
    assert.equal(pkg.engines?.node, '^20.19.0 || ^22.13.0 || >=24')
  })
})
