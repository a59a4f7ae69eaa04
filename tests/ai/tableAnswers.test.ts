/**
 * Tables and task lists through the whole path: the fake model streams them
 * one character at a time, or cut at awkward places (mid `|`, mid `- [`,
 * mid `](`), a second person watches, and Stop or a dropped stream mid-table
 * leaves no raw table syntax behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { startAiHarness, docJSON, oneShot, type AiHarness } from './harness.ts'
import { anchorInBlock, postJob, requester, startJob } from '../support/aiClient.ts'
import type { TestClient } from '../support/clients.ts'
import { waitFor } from '../support/wait.ts'

const ANSWER = '| Name | Link |\n|---|---|\n| apple | [site](https://a.example) |\n| `a \\| b` | **ripe** |\n\n- [ ] buy [more](https://shop.example)\n  - [x] nested done\n\nDone.'

const EMPTY_LINE = { type: 'paragraph' }

/** Cut right inside the syntax: after `|`, inside `- [`, inside `](`. */
function awkward(md: string): string[] {
  return md.split(/(?<=\||- \[|\]\(|\[)/).flatMap((part) => (part.length > 6 ? [part.slice(0, 3), part.slice(3)] : [part]))
}

/** Every text node, outside code, as text. */
function texts(client: TestClient): string[] {
  const out: string[] = []
  const walk = (node: Y.XmlFragment): void => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) out.push(child.toString().replace(/<[^>]*>/g, ''))
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(client.doc.getXmlFragment(DOC_FIELD))
  return out
}

describe('tables and task lists streamed by the model', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  for (const [name, tokens] of [
    ['one character at a time', ANSWER.split('')],
    ['cut inside |, - [ and ](', awkward(ANSWER)],
  ] as const) {
    it(`${name}: the other person sees no raw syntax at any point, and both end with the one-shot reading`, async () => {
      const docId = `table-${name.length}`
      const [a, b] = await h.room(docId)
      const seen: string[] = []
      b.doc.on('update', () => seen.push(...texts(b).filter((t) => t !== 'a | b' && /\||\[|\]\(/.test(t))))
      h.upstream.script({ tokens: [...tokens], delayMs: 2 })
      const run = await startJob(h.srv.url, docId, { op: 'generate', instruction: 'a table', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester(name) })
      await run.ended
      expect(run.events.at(-1)?.type).toBe('done')
      // Asked on an empty line: the blocks go before it, and the line stays after them.
      await waitFor(() => JSON.stringify(docJSON(b.doc)) === JSON.stringify([...oneShot(ANSWER), EMPTY_LINE]), 'b has the one-shot reading')
      expect(docJSON(a.doc)).toEqual(docJSON(b.doc))
      expect(seen).toEqual([])
      await postJob(h.srv.url, run.jobId(), 'accept')
    })
  }

  it('Stop in the middle of a row keeps the rows already shown, and no pipe or bracket', async () => {
    const [a, b] = await h.room('table-stop')
    const cut = ANSWER.indexOf('[site](') + 4
    h.upstream.script({ tokens: ANSWER.split(''), delayMs: 2, pauseAfter: cut })
    const run = await startJob(h.srv.url, 'table-stop', { op: 'generate', instruction: 'a table', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester('Stop') })
    await waitFor(() => run.events.filter((e) => e.type === 'delta').map((e) => (e.data as { text: string }).text).join('').length >= cut, 'the model is mid-row')
    expect((await postJob(h.srv.url, run.jobId(), 'cancel')).body).toEqual({ status: 'cancelled' })
    await run.ended
    await waitFor(() => JSON.stringify(docJSON(b.doc)) === JSON.stringify(docJSON(a.doc)), 'both agree')
    expect(texts(b).join(' ')).not.toMatch(/\||\[|\]/)
    // The header row stays, as a table; the half row went.
    expect(docJSON(b.doc)).toEqual([...oneShot('| Name | Link |\n|---|---|'), EMPTY_LINE])
  })

  it('an answer stopped by the token limit (finish reason "length") mid-row keeps only whole rows', async () => {
    const [a, b] = await h.room('table-length', 'Intro.')
    const md = '\n\n| Name | Qty |\n|---|---|\n| apple | 3 |\n| pe'
    h.upstream.script({ tokens: md.split(''), finishReason: 'length' })
    const run = await startJob(h.srv.url, 'table-length', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 6) }, requester: requester('Length') })
    await run.ended
    expect(run.events.at(-1)).toMatchObject({ type: 'done', data: { status: 'completed', finishReason: 'length' } })
    await waitFor(() => JSON.stringify(docJSON(b.doc)) === JSON.stringify(oneShot('Intro.\n\n| Name | Qty |\n|---|---|\n| apple | 3 |')), 'b has the whole rows only')
  })

  it('a stream that ends mid-header without finishing leaves nothing of the header', async () => {
    const [a, b] = await h.room('table-drop', 'Intro.')
    const md = ' More words.\n\n| Name | Li'
    h.upstream.script({ tokens: md.split(''), noFinish: true })
    const run = await startJob(h.srv.url, 'table-drop', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 6) }, requester: requester('Drop') })
    await run.ended
    expect(run.events.at(-1)).toMatchObject({ type: 'error', data: { code: 'incomplete' } })
    await waitFor(() => b.text() === 'Intro. More words.', 'b has the words, not the header')
    expect(texts(b).join('')).not.toMatch(/\|/)
  })
})
