/**
 * A request can overtake the text it is about: a person types a paragraph
 * and asks the AI at once, and the HTTP request reaches the server (or
 * another instance) before the WebSocket update. The server waits briefly
 * for that text instead of refusing the anchor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { startAiHarness, type AiHarness } from './harness.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { waitFor } from '../support/wait.ts'

describe('an anchor into text the server has not received yet', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  it('waits for the text and then writes there', async () => {
    const [a, b] = await h.room('anchor-wait', 'First.')
    // The person's editor: a paragraph typed but not yet sent.
    const editor = new Y.Doc()
    Y.applyUpdate(editor, Y.encodeStateAsUpdate(a.doc))
    const before = Y.encodeStateVector(editor)
    const p = new Y.XmlElement('paragraph')
    p.insert(0, [new Y.XmlText('Typed just now.')])
    editor.getXmlFragment(DOC_FIELD).push([p])
    h.upstream.script({ tokens: tokenize(' And the AI goes on.') })
    const run = startJob(h.srv.url, 'anchor-wait', { op: 'continue', anchor: { from: anchorInBlock(editor, 1, 15) }, requester: requester() })
    // The update arrives after the request.
    await new Promise((r) => setTimeout(r, 300))
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(editor, before))
    const job = await run
    await job.ended
    expect(job.events.at(-1)?.type).toBe('done')
    await waitFor(() => b.text().includes('Typed just now. And the AI goes on.'), 'AI text after the new paragraph')
  })

  it('an anchor into text that never comes is refused (400) after the wait', async () => {
    await h.room('anchor-never', 'First.')
    const stranger = new Y.Doc()
    const p = new Y.XmlElement('paragraph')
    p.insert(0, [new Y.XmlText('Never sent.')])
    stranger.getXmlFragment(DOC_FIELD).push([p])
    const run = await startJob(h.srv.url, 'anchor-never', { op: 'continue', anchor: { from: anchorInBlock(stranger, 0, 3) }, requester: requester('Nobody') })
    expect(run.status).toBe(400)
  })
})
