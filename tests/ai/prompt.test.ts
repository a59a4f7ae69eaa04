import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildMessages } from '../../server/ai/prompt.ts'
import { startAiHarness, type AiHarness } from './harness.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { appendParagraph } from '../support/clients.ts'
import { waitFor } from '../support/wait.ts'

describe('prompts are built on the server from the document around the anchors', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  async function promptFor(docId: string, body: (doc: import('yjs').Doc) => object): Promise<string> {
    const [a, b] = await h.room(docId, 'Alpha beta gamma.')
    appendParagraph(a.doc, 'Second block here.')
    await waitFor(() => b.text() === 'Alpha beta gamma.\nSecond block here.', 'setup')
    h.upstream.script({ tokens: ['ok'] })
    const before = h.upstream.requests.length
    const run = await startJob(h.srv.url, docId, { requester: requester(docId), ...body(a.doc) })
    await run.ended
    const req = h.upstream.requests[before]!
    expect(req.body.model).toBe('fake-model')
    expect(req.body.stream).toBe(true)
    return req.body.messages.map((m) => m.content).join('\n')
  }

  it('rewrite sends the selected text, marked, with its surroundings and the preset', async () => {
    const prompt = await promptFor('p-rewrite', (doc) => ({ op: 'rewrite', preset: 'translate', language: 'French', anchor: { from: anchorInBlock(doc, 0, 6), to: anchorInBlock(doc, 0, 10) } }))
    expect(prompt).toContain('<selection>beta</selection>')
    expect(prompt).toContain('Alpha ')
    expect(prompt).toContain('Translate it into French.')
  })

  it('continue sends the text before the cursor', async () => {
    const prompt = await promptFor('p-continue', (doc) => ({ op: 'continue', anchor: { from: anchorInBlock(doc, 1, 'Second block here.'.length) } }))
    expect(prompt).toContain('Alpha beta gamma.\n\nSecond block here.<cursor/>')
  })

  it('summarize without a selection sends the whole document', async () => {
    const prompt = await promptFor('p-summary', (doc) => ({ op: 'summarize', anchor: { from: anchorInBlock(doc, 0, 0) } }))
    expect(prompt).toContain('Alpha beta gamma.')
    expect(prompt).toContain('Second block here.')
  })
})

describe('continue from a table cell', () => {
  it('tells the model it may add rows, as wide as the table, without a header', () => {
    const user = buildMessages({ op: 'continue', anchor: { from: '' }, requester: requester() }, { before: '| a | b |\n| --- | --- |\n| 1 | 2', selection: '', after: ' |', tableColumns: 2 }, 4000)[1]?.content ?? ''
    expect(user).toContain('add rows to the table as lines of 2 cells like `| … | … |`, without a header or delimiter row')
    expect(user).toContain('| 1 | 2<cursor/> |')
    expect(buildMessages({ op: 'continue', anchor: { from: '' }, requester: requester() }, { before: 'Text', selection: '', after: '' }, 4000)[1]?.content).toContain('Write one or two paragraphs.')
  })
})
