/** How the operator commands stop: one message on stderr, and the usage too after a usage mistake (exit 2). */
import { ConfigError, loadConfig, type ServerConfig } from '../config.ts'

export type Fail = (msg: string, code?: 1 | 2) => never

export function failWith(usage: string): Fail {
  return (msg, code = 2) => {
    process.stderr.write(`${msg}\n${code === 2 ? `\n${usage}\n` : ''}`)
    process.exit(code)
  }
}

/** The server's configuration from the environment, or the command stops with its message. */
export function configOrFail(fail: Fail): ServerConfig {
  try {
    return loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message)
    throw err
  }
}
