/**
 * Server start-up variants for the memory benchmarks. Targets are judged on
 * the default (`node --import tsx server/main.ts`, as `npm start` runs it);
 * the second row shows how much of the RSS growth is V8's young generation
 * growing to its 16 MiB semi-spaces during the connect burst (a fixed cost,
 * not a per-client one), so it is not mistaken for per-client state.
 */
export interface ServerVariant {
  label: string
  nodeArgs: string[]
}

export const DEFAULT_VARIANT: ServerVariant = { label: 'default', nodeArgs: [] }

export const MEMORY_VARIANTS: ServerVariant[] = [DEFAULT_VARIANT, { label: '--max-semi-space-size=1', nodeArgs: ['--max-semi-space-size=1'] }]
