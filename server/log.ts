/** A tiny leveled logger; one per server, passed down (no global logger). */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug'

export interface Logger {
  error(msg: string, extra?: unknown): void
  warn(msg: string, extra?: unknown): void
  info(msg: string, extra?: unknown): void
  debug(msg: string, extra?: unknown): void
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 }

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const at = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, extra?: unknown) => {
    if (RANK[level] < RANK[lvl]) return
    const suffix = extra === undefined ? '' : ' ' + (extra instanceof Error ? extra.stack ?? extra.message : JSON.stringify(extra))
    write(`${new Date().toISOString()} ${lvl.toUpperCase()} ${msg}${suffix}`)
  }
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }
}
