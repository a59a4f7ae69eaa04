/**
 * A throwaway nginx for tests: the system's binary (Debian's nginx-light),
 * in the foreground, with its config, pid file, logs and temp folders in a
 * temp folder, on a free port of 127.0.0.1. It never touches the machine's
 * own nginx (/etc/nginx, /run/nginx.pid).
 *
 * The site config is the README's, `deploy/nginx/quill.conf`, with only the
 * upstream's servers and the listen line replaced, so the tests check the
 * configuration people copy.
 *
 * One process (`master_process off`): nothing forks, so a kill leaves no
 * worker behind, and as root nothing switches to another user who could not
 * read the temp folder.
 *
 * Without the binary, test files skip with one printed line, except in CI
 * (`CI` set), where they must run and so fail.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { freePort } from './redisServer.ts'
import { tempDir } from './tempDir.ts'
import { waitFor } from './wait.ts'

export const NGINX_SITE_CONF = path.resolve(import.meta.dirname, '../../deploy/nginx/quill.conf')

/** NGINX names the binary; otherwise the first on PATH, then Debian's /usr/sbin (not on every PATH). */
export function findNginx(): string | null {
  if (process.env.NGINX) return fs.existsSync(process.env.NGINX) ? process.env.NGINX : null
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'nginx'))
  return [...onPath, '/usr/sbin/nginx'].find((p) => fs.existsSync(p)) ?? null
}

const MISSING = "no nginx binary (install the distribution's nginx-light package, or set NGINX to its path)"

/** Why this machine cannot run the nginx tests, or null when it can (always null in CI). */
export function nginxSkipReason(): string | null {
  if (process.env.CI) return null
  return findNginx() ? null : MISSING
}

/** Call at the top of a test file that needs nginx: prints why it is skipped, if it is. */
export function announceNginxSkip(file: string): boolean {
  const reason = nginxSkipReason()
  if (reason) console.warn(`[nginx tests] skipping ${file}: ${reason}`)
  return reason !== null
}

/**
 * The site config for these upstream ports and this listen address. Throws
 * if the file no longer has the lines it replaces, rather than test
 * something else than the README shows.
 */
export function siteConfig(upstreamPorts: readonly number[], listen: string, source = fs.readFileSync(NGINX_SITE_CONF, 'utf8')): string {
  const upstream = /(upstream quill \{\n)((?:\s*server [^;]+;\n)+)(\})/
  const listenLine = /^(\s*)listen 80;$/m
  if (!upstream.test(source) || !listenLine.test(source)) {
    throw new Error(`${NGINX_SITE_CONF} no longer has an 'upstream quill' block of server lines and a 'listen 80;' line, which the nginx tests replace`)
  }
  const servers = upstreamPorts.map((p) => `  server 127.0.0.1:${p};\n`).join('')
  return source.replace(upstream, `$1${servers}$3`).replace(listenLine, `$1listen ${listen};`)
}

function mainConfig(dir: string): string {
  const temp = (name: string) => path.join(dir, 'temp', name)
  return `daemon off;
master_process off;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  # Which instance served each request, written when the request ends.
  log_format upstreams '$request_method|$request_uri|$status|$upstream_addr';
  access_log ${path.join(dir, 'access.log')} upstreams;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  include ${path.join(dir, 'site.conf')};
}
`
}

export interface ServedRequest {
  method: string
  uri: string
  status: number
  /** The upstream's port, or null when nginx answered by itself. */
  port: number | null
}

export interface TestNginx {
  url: string
  wsUrl: string
  port: number
  /** The error log so far (for failure messages). */
  log(): string
  /** Every finished request and the instance port that served it (the last one tried). */
  served(): ServedRequest[]
  close(): Promise<void>
}

// A test worker that dies mid-test must not leave nginx behind.
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** nginx in front of the instances listening on `upstreamPorts`, round-robin. */
export async function startNginx(upstreamPorts: readonly number[]): Promise<TestNginx> {
  const binary = findNginx()
  if (!binary) throw new Error(`CI must run the nginx tests, but there is ${MISSING}.`)
  const dir = tempDir('quill-nginx-')
  fs.mkdirSync(path.join(dir, 'temp'))
  const port = await freePort()
  fs.writeFileSync(path.join(dir, 'site.conf'), siteConfig(upstreamPorts, `127.0.0.1:${port}`))
  fs.writeFileSync(path.join(dir, 'nginx.conf'), mainConfig(dir))
  const errorLog = path.join(dir, 'error.log')
  // -e: the error log before the config is read (else /var/log/nginx).
  const child = spawn(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', errorLog], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const log = () => output + (fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '')
  let gone = false
  void exited.then(() => (gone = true))
  try {
    await waitFor(
      async () => {
        if (gone) throw new Error('nginx exited')
        return canConnect(port)
      },
      `nginx listening on ${port}`,
      10_000,
      20,
    )
  } catch (err) {
    child.kill('SIGKILL')
    running.delete(child)
    throw new Error(`nginx did not start: ${(err as Error).message}\n${log()}`)
  }
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/api/collab`,
    port,
    log,
    served: () => readServed(path.join(dir, 'access.log')),
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM') // fast shutdown: drops open connections
        await exited
      }
      running.delete(child)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

function readServed(file: string): ServedRequest[] {
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [method = '', uri = '', status = '0', upstream = '-'] = line.split('|')
      // Several tries read "a:1, b:2"; the last one answered.
      const last = upstream.split(',').at(-1)!.trim()
      const port = /:(\d+)$/.exec(last)?.[1]
      return { method, uri, status: Number(status), port: port ? Number(port) : null }
    })
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
