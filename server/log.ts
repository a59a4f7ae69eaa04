/**
 * Structured logging with pino; one logger per server, passed down (no
 * global logger). Lines are JSON (one object per line, for a log shipper) or
 * readable text for a person at a terminal: `LOG_FORMAT`, else JSON unless
 * the output is a TTY.
 *
 * Ids travel as fields, not inside the message: `log.child({ docId })`
 * (or `withIds`) gives a logger whose every line carries them, so a line
 * about a request, a socket or a job can be found by its request id, doc
 * id, job id or close code.
 *
 * What never reaches a log: tokens, API keys and document content. The code
 * logs none of them (no update payloads, prompts or headers are passed in);
 * `REDACT_PATHS` is the safety net for a field someone adds later.
 *
 * No worker-thread transport: lines are written synchronously to the
 * destination (stderr, or the test's), so a crash cannot lose the last ones.
 */
import pino from 'pino'

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug'
export type LogFormat = 'json' | 'pretty'

/** The ids a line can carry. Only these, so field names stay the same everywhere. */
export interface LogIds {
  reqId?: string
  docId?: string
  jobId?: string
  closeCode?: number
}

export interface Logger {
  error(msg: string, extra?: unknown): void
  warn(msg: string, extra?: unknown): void
  info(msg: string, extra?: unknown): void
  debug(msg: string, extra?: unknown): void
  /** A logger whose lines all carry `ids` (absent on hand-made test loggers). */
  child?(ids: LogIds): Logger
}

/** `log` with `ids` on every line (or `log` itself, if it cannot). */
export function withIds(log: Logger, ids: LogIds): Logger {
  return log.child ? log.child(ids) : log
}

export interface LogOptions {
  /** Default: JSON, or pretty when the destination is stderr and stderr is a TTY. */
  format?: LogFormat | null
  /** Where lines go, each with its newline (default: stderr). Tests pass a collector. */
  write?: (line: string) => void
}

/** Fields whose values are replaced wherever they appear (one level deep too). */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  '*.authorization',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'prompt',
  '*.prompt',
  'instruction',
  '*.instruction',
  'messages',
  '*.messages',
  'text',
  '*.text',
  'update',
  '*.update',
]

export function createLogger(level: LogLevel, options: LogOptions | ((line: string) => void) = {}): Logger {
  const opts: LogOptions = typeof options === 'function' ? { write: options } : options
  const format = opts.format ?? (!opts.write && process.stderr.isTTY ? 'pretty' : 'json')
  const write = opts.write ?? ((line: string) => void process.stderr.write(line))
  const destination = { write: format === 'pretty' ? (line: string) => write(prettyLine(line)) : write }
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  )
  return wrap(logger)
}

function wrap(p: pino.Logger): Logger {
  const at =
    (lvl: 'error' | 'warn' | 'info' | 'debug') =>
    (msg: string, extra?: unknown): void => {
      if (!p.isLevelEnabled(lvl)) return
      if (extra === undefined) p[lvl](msg)
      else p[lvl](fields(extra), msg)
    }
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: (ids) => wrap(p.child(ids)) }
}

/**
 * The old loggers took any `extra`; pino wants an object. Errors go under
 * `err` (pino's serializer keeps type, message and stack), strings under
 * `detail`, plain objects as fields.
 */
function fields(extra: unknown): object {
  if (extra instanceof Error) return { err: extra }
  if (typeof extra === 'object' && extra !== null && !Array.isArray(extra)) return extra
  return { detail: extra }
}

const LEVEL_WIDTH = 5
const SKIP = new Set(['level', 'time', 'msg', 'pid'])

/** One JSON line as `time LEVEL msg key=value ...`; a stack goes on the lines below. */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json
  }
  const time = typeof o.time === 'string' ? o.time.slice(11, 23) : ''
  const level = String(o.level ?? '').toUpperCase().padEnd(LEVEL_WIDTH)
  let stack = ''
  const pairs: string[] = []
  for (const [k, v] of Object.entries(o)) {
    if (SKIP.has(k)) continue
    if (k === 'err' && v && typeof v === 'object') {
      const e = v as { message?: string; stack?: string }
      pairs.push(`err=${JSON.stringify(e.message ?? '')}`)
      if (e.stack) stack = `\n    ${e.stack.split('\n').slice(1).join('\n    ').trim()}`
      continue
    }
    pairs.push(`${k}=${typeof v === 'string' && /^[\w.:/@-]+$/.test(v) ? v : JSON.stringify(v)}`)
  }
  return `${time} ${level} ${String(o.msg ?? '')}${pairs.length ? '  ' + pairs.join(' ') : ''}${stack}\n`
}
