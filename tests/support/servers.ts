/**
 * Start real servers for tests: in-process (`startServer`) or as a child
 * process (`spawnServer`) for crash and restart tests. Both listen on
 * 127.0.0.1 with port 0 and a fresh temp data folder unless told otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { loadConfig } from '../../server/config.ts'
import { createServer, type CollabServer, type CreateServerOptions } from '../../server/server.ts'
import { tempDir } from './tempDir.ts'

export { tempDir } from './tempDir.ts'

export interface TestServer {
  server: CollabServer
  url: string
  wsUrl: string
  port: number
  dataDir: string
  close(): Promise<void>
}

export async function startServer(env: Record<string, string> = {}, opts: Pick<CreateServerOptions, 'store' | 'bus' | 'clusterTimings' | 'aiEvents' | 'aiAdmission'> = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? tempDir()
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ROOM_UNLOAD_DELAY_MS: '50', ...env })
  const server = createServer(config, opts)
  const { port, url } = await server.listen()
  return { server, url, wsUrl: `ws://127.0.0.1:${port}/api/collab`, port, dataDir, close: () => server.close() }
}

export interface SpawnedServer {
  child: ChildProcess
  url: string
  wsUrl: string
  port: number
  /** Resolves with the exit code/signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output: () => string
}

const ROOT = path.resolve(import.meta.dirname, '../..')

/** What to run; the default is the source under tsx, as `npm run dev` runs it. */
export interface SpawnCommand {
  command: string
  args: string[]
  cwd: string
}

export const SOURCE_SERVER: SpawnCommand = { command: process.execPath, args: ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], cwd: ROOT }

/** Run the server in its own process, until it prints its READY line. */
export async function spawnServer(env: Record<string, string>, run: SpawnCommand = SOURCE_SERVER): Promise<SpawnedServer> {
  const child = spawn(run.command, run.args, {
    cwd: run.cwd,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000)
    const onData = () => {
      const m = /READY (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    void exited.then(() => reject(new Error(`server exited before it was ready:\n${out}`)))
  })
  const port = Number(new URL(url).port)
  return { child, url, wsUrl: `ws://127.0.0.1:${port}/api/collab`, port, exited, output: () => out }
}
