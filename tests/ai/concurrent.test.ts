/**
 * People type at and around the AI's insertion point while it streams
 * hundreds of tokens. Afterwards the AI text is contiguous and in order, no
 * human character is lost, and all peers are identical: over many seeded
 * schedules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { startAiHarness, type AiHarness } from './harness.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { allSame, type TestClient } from '../support/clients.ts'
import { rng, sleep, waitFor } from '../support/wait.ts'

const AI_WORDS = Array.from({ length: 150 }, (_, i) => `ai${i}`)
const AI_TEXT = AI_WORDS.join(' ')

/**
 * Where the AI's text currently ends in this peer's view: right after the
 * run of AI words. (The AI's awareness caret can lag or lead the text it
 * sees, so the test reads the document itself, as a person's eyes would.)
 */
function aiEnd(t: Y.XmlText): number | null {
  const m = /ai\d+(?: ai\d+)*(?: ai)?/.exec(t.toString())
  return m ? m.index + m[0].length : null
}

function humanType(c: TestClient, random: () => number, ch: string): string {
  const p = c.doc.getXmlFragment(DOC_FIELD).get(0) as Y.XmlElement
  const t = p.get(0) as Y.XmlText
  // Mostly right at the AI's current end (its insertion point), otherwise
  // just before its start, in the text before it, or at the end of the
  // paragraph; never deliberately inside the AI's text.
  const roll = random()
  const end = aiEnd(t)
  let index: number
  if (roll < 0.6 && end !== null) index = end
  else if (roll < 0.75) index = 'intro:'.length
  else if (roll < 0.85) index = Math.floor(random() * 'intro:'.length)
  else index = t.length
  t.insert(index, ch)
  return ch
}

describe('humans type at the AI insertion point during a long stream', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`keeps the AI text contiguous and every human character (seed ${seed})`, async () => {
      const docId = `conc-${seed}`
      const [a, b] = await h.room(docId, 'intro:')
      const random = rng(seed)
      const tokens = AI_WORDS.map((w, i) => (i === 0 ? w : ` ${w}`))
      h.upstream.script({ tokens, delayMs: 3 })
      const run = await startJob(h.srv.url, docId, { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 'intro:'.length) }, requester: requester() })
      const typed: string[] = []
      let n = 0
      let finished = false
      void run.ended.then(() => (finished = true))
      while (!finished) {
        const who = random() < 0.5 ? a : b
        // Human characters are upper-case letters, never in the AI's text.
        typed.push(humanType(who, random, String.fromCharCode(65 + (n++ % 26))))
        await sleep(Math.floor(random() * 12))
      }
      expect(run.events.at(-1)!.type).toBe('done')
      // `done` comes over HTTP and the final write over the WebSocket, in no
      // fixed order: wait for the last AI word to arrive, then compare.
      const lastWord = AI_WORDS.at(-1)!
      await waitFor(() => allSame([a, b]) && a.text().includes(lastWord), 'peers identical, with the final write')
      const text = a.text()
      // The AI text appears once, in order, without a human character inside it.
      expect(text.includes(AI_TEXT)).toBe(true)
      // Every human character is present.
      const rest = text.replace(AI_TEXT, '')
      expect(rest.replace(/[A-Z]/g, '')).toBe('intro:')
      const humans = rest.replace(/[^A-Z]/g, '')
      expect([...humans].sort().join('')).toBe([...typed].sort().join(''))
      expect(typed.length).toBeGreaterThan(10)
    })
  }
})
