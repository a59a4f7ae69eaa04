/**
 * Three instances on one PostgreSQL and one Redis behind the README's nginx
 * configuration (`deploy/nginx/quill.conf`), round-robin with no
 * stickiness: everything goes through the one nginx address, so each
 * WebSocket and each request lands on whichever instance comes next.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { AiEventRecord } from '../../shared/aiProtocol.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { anchorInBlock, requester, resumeJob, startJob } from '../support/aiClient.ts'
import { appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { tokenize, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { NGINX_SITE_CONF, siteConfig, type TestNginx } from '../support/nginxServer.ts'
import type { TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { paragraphDoc } from './aiInstances.ts'
import { announceNginxStackSkip, paragraphStored, startNginxStack, type NginxStack } from './behindNginx.ts'
import { converged, describeDivergence, editConcurrently } from './instances.ts'

const FILE = 'tests/scale/nginx.test.ts'
const skip = announceNginxStackSkip(FILE)

describe('the nginx configuration', () => {
  it('is the one the README shows, and the tests replace only the upstream servers and the listen line', () => {
    const conf = fs.readFileSync(NGINX_SITE_CONF, 'utf8')
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8')
    expect(readme).toContain(`\`\`\`nginx\n${conf}\`\`\``)
    const used = siteConfig([4001, 4002], '127.0.0.1:4000', conf)
    expect(used).toContain('  server 127.0.0.1:4001;\n  server 127.0.0.1:4002;\n}')
    expect(used).toContain('listen 127.0.0.1:4000;')
    // Nothing else differs.
    expect(used.replace(/upstream quill \{[^}]*\}/, '').replace('listen 127.0.0.1:4000;', 'listen 80;')).toBe(conf.replace(/upstream quill \{[^}]*\}/, ''))
  })
})

describe.skipIf(skip)('three instances behind nginx, round-robin', () => {
  let stack: NginxStack
  let servers: TestServer[]
  let nginx: TestNginx
  let upstream: FakeOpenAI
  const clients: TestClient[] = []

  beforeAll(async () => {
    stack = await startNginxStack()
    ;({ servers, nginx, upstream } = stack)
  })
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await stack?.close()
  })
  const paragraphEverywhere = (docId: string) => paragraphStored(servers, docId)

  const connectionsPerInstance = () => servers.map((s) => s.server.context.registry.connectionCount)

  it('y-websocket clients on the one address land on every instance, converge, see each other, and a late joiner gets everything', async () => {
    const group = await Promise.all(Array.from({ length: 6 }, () => connectSynced(nginx.wsUrl, 'through')))
    clients.push(...group)
    // No stickiness: the six sockets were dealt out over all three instances.
    expect(connectionsPerInstance().every((n) => n >= 1)).toBe(true)

    await editConcurrently(group, 10, 3)
    await waitFor(() => converged(group, servers, 'through'), `convergence (${describeDivergence(group)})`, 15_000)
    expect(group[0]!.text().length).toBeGreaterThan(50)

    group[0]!.provider.awareness.setLocalStateField('user', { name: 'Ada' })
    const sees = (who: TestClient) => who.provider.awareness.getStates().get(group[0]!.doc.clientID)?.user
    await waitFor(() => group.slice(1).every(sees), 'Ada\'s presence on every client')

    // Three late joiners: round-robin hands one to each instance.
    for (let i = 0; i < 3; i++) {
      const late = await connectSynced(nginx.wsUrl, 'through')
      clients.push(late)
      await waitFor(() => late.text() === group[0]!.text() && sees(late), 'late joiner has the text and the presence')
      expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(group[0]!.doc))
    }
  })

  it('the HTTP API works through nginx: create, list and export, whichever instance answers', async () => {
    const origin = nginx.url
    const created: string[] = []
    for (let i = 0; i < 3; i++) {
      // A browser's request: same-origin passes because nginx forwards the Host with its port.
      const res = await fetch(`${nginx.url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: '{}' })
      expect(res.status).toBe(201)
      created.push(((await res.json()) as { id: string }).id)
    }
    const writer = await connectSynced(nginx.wsUrl, created[0]!)
    clients.push(writer)
    appendParagraph(writer.doc, 'Exported through the proxy')
    // Three lists and three exports: one from each instance.
    for (let i = 0; i < 3; i++) {
      const list = (await (await fetch(`${nginx.url}/api/docs`)).json()) as { docs: { id: string }[] }
      expect(list.docs.map((d) => d.id)).toEqual(expect.arrayContaining(created))
    }
    for (let i = 0; i < 3; i++) {
      await waitFor(async () => {
        const res = await fetch(`${nginx.url}/api/docs/${created[0]}/export?format=md`)
        return res.status === 200 && (await res.text()).includes('Exported through the proxy')
      }, `export ${i} has the text`)
    }
  })

  it('an AI event stream through nginx arrives as it is written, not at the end', async () => {
    const writer = await connectSynced(nginx.wsUrl, 'ai')
    const reader = await connectSynced(nginx.wsUrl, 'ai')
    clients.push(writer, reader)
    appendParagraph(writer.doc, '')
    await waitFor(() => reader.doc.getXmlFragment(DOC_FIELD).length === 1, 'paragraph at the reader')
    await paragraphEverywhere('ai')
    const response = 'Streams must pass the proxy as they are written, one delta at a time.'
    const tokens = tokenize(response, 3)
    const pauseAfter = Math.floor(tokens.length / 2)
    upstream.script({ tokens, delayMs: 5, pauseAfter })

    const arrivals: Array<{ type: string; at: number }> = []
    const run = await startJob(nginx.url, 'ai', { op: 'generate', instruction: 'a sentence', anchor: { from: anchorInBlock(writer.doc, 0, 0) }, requester: requester() }, (e) =>
      arrivals.push({ type: e.type, at: Date.now() }),
    )
    expect(run.status).toBe(200)
    // The model is paused halfway: its first half must already have come through nginx.
    await waitFor(() => run.events.some((e) => e.type === 'delta'), 'a delta while the model is paused', 5000)
    await waitFor(() => reader.text().startsWith('Streams'), 'partial text at a reader on any instance')
    expect(run.events.some((e) => e.type === 'done')).toBe(false)
    const released = Date.now()
    upstream.release()
    await run.ended
    expect(run.events.at(-1)!.type).toBe('done')
    const deltas = run.events.filter((e): e is Extract<AiEventRecord, { type: 'delta' }> => e.type === 'delta')
    expect(deltas.map((d) => d.data.text).join('')).toBe(response)
    // Events before the release arrived before it: nothing waited for the end.
    expect(arrivals.filter((a) => a.type === 'delta' && a.at < released).length).toBeGreaterThan(0)
    await waitFor(() => reader.text() === response, 'the full text at the reader')
  })

  it('an AI stream cut mid-job resumes through nginx on whichever instance answers, every event once and in order', async () => {
    const writer = await paragraphDoc(nginx.wsUrl, 'resume')
    clients.push(writer)
    await paragraphEverywhere('resume')
    const response = 'Resumed through the proxy on any instance, every event once and in order.'
    upstream.script({ tokens: tokenize(response, 2), delayMs: 5, pauseAfter: 4 })
    const first = await startJob(nginx.url, 'resume', { op: 'generate', instruction: 'x', anchor: { from: anchorInBlock(writer.doc, 0, 0) }, requester: requester() })
    await waitFor(() => first.events.some((e) => e.type === 'delta'), 'a delta before the cut')
    first.abort()
    const seen = first.events.at(-1)!.id
    // Three resumes in a row: round-robin hands one to each instance, and
    // each follows the job live while the model is paused.
    const resumes = []
    for (let i = 0; i < 3; i++) resumes.push(await resumeJob(nginx.url, first.jobId(), seen))
    expect(resumes.map((r) => r.status)).toEqual([200, 200, 200])
    upstream.release()
    await Promise.all(resumes.map((r) => r.ended))
    const ids = resumes[0]!.events.map((e) => e.id)
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => seen + 1 + i))
    for (const r of resumes) {
      expect(r.events.map((e) => e.id)).toEqual(ids)
      expect(r.events.at(-1)!.type).toBe('done')
    }
    const text = (events: AiEventRecord[]) => events.flatMap((e) => (e.type === 'delta' ? [e.data.text] : [])).join('')
    expect(text(first.events) + text(resumes[0]!.events)).toBe(response)
  })
})
