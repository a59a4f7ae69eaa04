/**
 * The compiled server for the benchmarks, built once per run with the same
 * tsconfig as `npm run build`. It goes to .tmp/bench-dist inside the
 * checkout, not to dist/: node resolves its packages from the checkout's
 * node_modules as it does in dist/, and a `npm run build` or `npm test` running
 * meanwhile cannot replace the files under a running server.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const ROOT = path.resolve(import.meta.dirname, '../..')
export const COMPILED_DIR = path.join(ROOT, '.tmp/bench-dist')

let built: Promise<string> | null = null

/** The path of the compiled `server/main.js`, compiling on first use. */
export function compiledServer(): Promise<string> {
  built ??= (async () => {
    fs.rmSync(COMPILED_DIR, { recursive: true, force: true })
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.server.json', '--outDir', COMPILED_DIR], { cwd: ROOT })
    return path.join(COMPILED_DIR, 'server/main.js')
  })()
  return built
}
