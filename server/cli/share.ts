/**
 * `npm run share -- <docId|*> [--role viewer|editor|owner] [--expires 7d] [--name "Ada"]`
 *
 * Prints a link that carries a signed token for the document. Uses the same
 * environment as the server (AUTH_SECRET, and PUBLIC_URL or HOST/PORT for
 * the link's address).
 */
import { parseArgs } from 'node:util'
import { isValidDocId, DOC_ID_RULE } from '../../shared/docId.ts'
import { configOrFail, failWith, type Fail } from './cliExit.ts'
import { mintToken, parseDuration } from '../auth/tokens.ts'
import { ROLES, isRole } from '../../shared/roles.ts'

const fail: Fail = failWith('Usage: npm run share -- <docId|*> [--role viewer|editor|owner] [--expires 7d] [--name "Ada"]')

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string', default: 'editor' }, expires: { type: 'string', default: '7d' }, name: { type: 'string', default: 'Guest' } },
  })
  const docId = positionals[0]
  if (!docId || (docId !== '*' && !isValidDocId(docId))) fail(`A document id is required: ${DOC_ID_RULE}, or * for all documents.`)
  const role = values.role
  if (!isRole(role)) fail(`--role must be one of ${ROLES.join(', ')}.`)
  const ttl = parseDuration(values.expires!)
  if (ttl === null || ttl <= 0) fail('--expires must be a duration like 30m, 12h or 7d.')
  const config = configOrFail(fail)
  if (!config.authSecret) fail('AUTH_SECRET is not set: the server runs in open mode and needs no tokens. Set AUTH_SECRET for the server and for this command.')
  const { token, claims } = await mintToken(config.authSecret, { doc: docId, role, name: values.name!, ttlSeconds: ttl })
  const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`
  const path = docId === '*' ? '/' : `/d/${docId}`
  process.stdout.write(`${base}${path}?token=${token}\n`)
  process.stderr.write(`${claims.role} access to ${docId === '*' ? 'all documents' : docId} for ${claims.name}, until ${new Date(claims.exp * 1000).toISOString()}\n`)
}

void main()
