/**
 * The production build: `npm start` runs the compiled server with plain
 * `node`, and the compiled server needs only the production dependencies.
 *
 * The test compiles the server itself (tsconfig.server.json, into a temp
 * folder, so it never races a `npm run build` of the shared dist/) and lays
 * out what `npm ci --omit=dev` on a built tree gives: package.json, dist/,
 * and a node_modules/ holding only the packages `npm ls --omit=dev` names,
 * hard-linked from this checkout. No devDependency is there (tsx, vite,
 * typescript, react...), so a server that imported one would fail here.
 * A real `npm ci --omit=dev` gives the same packages (checked by hand; it
 * takes minutes, too long for the suite). The client is a stand-in page:
 * the browser tests cover the real build; here it shows the server finds
 * dist/client next to its own files from any working directory.
 *
 * `npm start` is `npm run build && npm run serve`. The test checks that
 * script and runs `npm run serve` in the tree rather than `npm start`: the
 * build part (Vite and tsc, 15-30 s) is what `npm test` has just run.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyToken } from '../../server/auth/tokens.ts'
import { defaultClientDir } from '../../server/clientDir.ts'
import { appendParagraph, connectSynced } from '../support/clients.ts'
import { spawnServer, tempDir, type SpawnedServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const run = promisify(execFile)
const PAGE = '<!doctype html><title>stand-in client</title>'
const SECRET = 'production-build-test-secret-0123456789'
/** Nothing from the shell that runs the tests: no loader flags, the default client and storage (empty counts as unset). */
const PLAIN_ENV = { NODE_OPTIONS: '', STATIC_DIR: '', STORAGE: '', DATABASE_URL: '', REDIS_URL: '' }

interface PackageJson {
  scripts: Record<string, string>
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson

/** A built tree with production dependencies only; returns its root. */
async function productionTree(): Promise<string> {
  const tree = tempDir('quill-prod-')
  await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.server.json', '--outDir', path.join(tree, 'dist')], { cwd: ROOT })
  fs.mkdirSync(path.join(tree, 'dist/client'))
  fs.writeFileSync(path.join(tree, 'dist/client/index.html'), PAGE)
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(tree, 'package.json'))
  // npm ls exits non-zero for an extraneous package; the list is still right.
  const listed = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }))
  const packages = listed.stdout
    .split('\n')
    .map((p) => path.relative(ROOT, p.trim()))
    .filter((p) => p.startsWith('node_modules'))
    .sort()
  expect(packages.length).toBeGreaterThan(20)
  let copied: string | null = null
  for (const p of packages) {
    if (copied && p.startsWith(`${copied}/`)) continue // nested: came with its parent
    fs.mkdirSync(path.dirname(path.join(tree, p)), { recursive: true })
    await run('cp', ['-al', path.join(ROOT, p), path.join(tree, p)]).catch(() => run('cp', ['-a', path.join(ROOT, p), path.join(tree, p)]))
    copied = p
  }
  return tree
}

function cmdline(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
}

/** Every process below `pid`, from /proc (children lists of each thread). */
function descendants(pid: number): number[] {
  const out: number[] = []
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim()
    for (const c of children ? children.split(/\s+/).map(Number) : []) out.push(c, ...descendants(c))
  }
  return out
}

/** What shows whether a process runs through tsx: its arguments, NODE_OPTIONS, and its mapped files. */
function tsxTraces(pid: number): string[] {
  const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
  const maps = fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')
  return [...cmdline(pid), ...env.filter((e) => e.startsWith('NODE_OPTIONS=')), ...maps].filter((s) => s.includes('tsx'))
}

async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const { port } = srv.address() as net.AddressInfo
  await new Promise((resolve) => srv.close(resolve))
  return port
}

describe('production build', () => {
  let tree: string
  beforeAll(async () => {
    tree = await productionTree()
  }, 180_000)
  afterAll(() => {
    if (tree) fs.rmSync(tree, { recursive: true, force: true })
  })

  it('npm start builds, then runs node on the compiled server; dev commands keep tsx', () => {
    expect(pkg.scripts.start).toBe('npm run build && npm run serve')
    expect(pkg.scripts.serve).toBe('node dist/server/main.js')
    expect(pkg.scripts.build).toContain('npm run build:server')
    expect(pkg.scripts['build:server']).toContain('tsc -p tsconfig.server.json')
    expect(pkg.scripts.dev).toMatch(/^tsx /)
    // The build tools and the client's libraries are bundled or run at build time only.
    for (const dev of ['tsx', 'vite', 'typescript', 'vitest', 'react', '@vitejs/plugin-react']) {
      expect(pkg.dependencies).not.toHaveProperty(dev)
      expect(pkg.devDependencies).toHaveProperty(dev)
    }
  })

  it('the tree has no build tool or client-only package', () => {
    // Some devDependencies are also a production package's dependency (@types/node of happy-dom), so name the ones that must be absent.
    const devOnly = ['tsx', 'esbuild', 'vite', 'typescript', 'vitest', 'react', 'react-dom', '@vitejs/plugin-react', '@tiptap/react', 'y-websocket', 'y-indexeddb']
    expect(devOnly.filter((d) => fs.existsSync(path.join(tree, 'node_modules', d)))).toEqual([])
    for (const d of Object.keys(pkg.dependencies)) expect(fs.existsSync(path.join(tree, 'node_modules', d, 'package.json')), d).toBe(true)
  })

  it('finds the built client next to its own files, compiled or not', () => {
    expect(defaultClientDir('/srv/quill/dist/server')).toBe('/srv/quill/dist/client')
    expect(defaultClientDir('/srv/quill/server')).toBe('/srv/quill/dist/client')
  })

  describe('node dist/server/main.js, started from another folder', () => {
    let srv: SpawnedServer
    const dataDir = tempDir()
    beforeAll(async () => {
      srv = await spawnServer({ ...PLAIN_ENV, DATA_DIR: dataDir }, { command: process.execPath, args: [path.join(tree, 'dist/server/main.js')], cwd: os.tmpdir() })
    })
    afterAll(async () => {
      srv?.child.kill('SIGTERM')
      await srv?.exited
    })

    it('runs no tsx', () => {
      const pid = srv.child.pid!
      expect(cmdline(pid)).toEqual([process.execPath, path.join(tree, 'dist/server/main.js')])
      expect(tsxTraces(pid)).toEqual([])
    })

    it('answers /api/health and serves the client from dist/client', async () => {
      const health = (await (await fetch(`${srv.url}/api/health`)).json()) as { status: string; storage: { ok: boolean } }
      expect(health).toMatchObject({ status: 'ok', storage: { ok: true } })
      const page = await fetch(`${srv.url}/d/some-doc`)
      expect(page.status).toBe(200)
      expect(await page.text()).toBe(PAGE)
    })

    it('syncs a document between two WebSocket clients and stores it', async () => {
      const a = await connectSynced(srv.wsUrl, 'prod-doc')
      const b = await connectSynced(srv.wsUrl, 'prod-doc')
      try {
        appendParagraph(a.doc, 'compiled and synced')
        await waitFor(() => b.text() === 'compiled and synced', 'b sees a\'s paragraph')
      } finally {
        a.destroy()
        b.destroy()
      }
      await waitFor(async () => {
        const md = await fetch(`${srv.url}/api/docs/prod-doc/export?format=md`)
        return md.ok && (await md.text()).includes('compiled and synced')
      }, 'the stored document')
    })

    it('imports HTML through the lazily loaded reader (happy-dom)', async () => {
      const reply = await fetch(`${srv.url}/api/docs/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ format: 'html', name: 'page.html', text: '<h1>Plan</h1><p>From <b>HTML</b></p>' }),
      })
      expect(reply.status).toBe(201)
    })
  })

  it('npm run serve in the built tree ends in node running the compiled file', async () => {
    const srv = await spawnServer({ ...PLAIN_ENV, DATA_DIR: tempDir() }, { command: 'npm', args: ['run', '--silent', 'serve'], cwd: tree })
    try {
      const server = descendants(srv.child.pid!).find((pid) => cmdline(pid).includes('dist/server/main.js'))
      expect(server, 'a process running dist/server/main.js').toBeDefined()
      expect(cmdline(server!)).toEqual(['node', 'dist/server/main.js'])
      expect(tsxTraces(server!)).toEqual([])
      expect((await fetch(`${srv.url}/api/health`)).status).toBe(200)
      process.kill(server!, 'SIGTERM')
      await srv.exited
    } finally {
      srv.child.kill('SIGKILL')
    }
  })

  it('share runs compiled and prints a working link', async () => {
    const { stdout } = await npm(['share', '--', 'cli-doc', '--role', 'viewer'], { AUTH_SECRET: SECRET, PUBLIC_URL: 'https://docs.example.com' })
    const link = new URL(stdout.trim())
    expect(link.pathname).toBe('/d/cli-doc')
    const verified = await verifyToken(SECRET, link.searchParams.get('token')!)
    expect(verified.ok && verified.grant).toMatchObject({ doc: 'cli-doc', role: 'viewer' })
  })

  it('backup, restore and migrate-to-postgres run compiled: a document backed up from a running server is there after restoring into a new folder', async () => {
    const compiledServer = { command: process.execPath, args: [path.join(tree, 'dist/server/main.js')], cwd: tree }
    const [from, to] = [tempDir(), tempDir()]
    const source = await spawnServer({ ...PLAIN_ENV, DATA_DIR: from }, compiledServer)
    let id: string
    try {
      const created = await fetch(`${source.url}/api/docs/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ format: 'md', name: 'kept.md', text: '# Kept\n\nthrough backup and restore' }),
      })
      ;({ id } = (await created.json()) as { id: string })
      await npm(['backup', '--', path.join(from, 'copy.sqlite')], { DATA_DIR: from })
    } finally {
      source.child.kill('SIGTERM')
      await source.exited
    }
    await npm(['restore', '--', path.join(from, 'copy.sqlite')], { DATA_DIR: to })
    const restored = await spawnServer({ ...PLAIN_ENV, DATA_DIR: to }, compiledServer)
    try {
      const md = await fetch(`${restored.url}/api/docs/${id}/export?format=md`)
      expect(await md.text()).toContain('through backup and restore')
    } finally {
      restored.child.kill('SIGTERM')
      await restored.exited
    }
    // Opens the SQLite folder, then stops at the unreachable database with one line naming it.
    const port = await freePort()
    const failed = await npm(['migrate-to-postgres', '--', '--data', to, '--database', `postgres://quill@127.0.0.1:${port}/quill`]).then(
      () => null,
      (err: { code?: number; stderr?: string }) => err,
    )
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toContain(`127.0.0.1:${port}`)
    expect(failed?.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find/)
  })

  /** `npm run <script>` in the built tree, with only the environment the test gives for storage. */
  function npm(args: string[], env: Record<string, string> = {}) {
    return run('npm', ['run', '--silent', ...args], { cwd: tree, env: { ...process.env, ...PLAIN_ENV, DATA_DIR: '', ...env } })
  }
})
