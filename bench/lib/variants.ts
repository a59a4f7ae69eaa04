/**
 * Server start-up variants for the memory benchmarks. Targets are judged on
 * the first, the compiled server as `npm start` runs it. The tsx row is the
 * same source run as it was before the production build (`node --import tsx
 * server/main.ts`), in the same run. The last row shows how much of the RSS
 * growth is V8's young generation growing to its 16 MiB semi-spaces during
 * the connect burst (a fixed cost, not a per-client one), so it is not
 * mistaken for per-client state.
 */
import type { ServerBuild } from './server.ts'

export interface ServerVariant {
  label: string
  build: ServerBuild
  nodeArgs: string[]
}

export const DEFAULT_VARIANT: ServerVariant = { label: 'compiled (npm start)', build: 'compiled', nodeArgs: [] }
export const TSX_VARIANT: ServerVariant = { label: 'tsx', build: 'tsx', nodeArgs: [] }

export const MEMORY_VARIANTS: ServerVariant[] = [
  DEFAULT_VARIANT,
  TSX_VARIANT,
  { label: 'compiled, --max-semi-space-size=1', build: 'compiled', nodeArgs: ['--max-semi-space-size=1'] },
]
