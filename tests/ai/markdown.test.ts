/**
 * Golden markdown responses, streamed token by token, produce exactly the
 * document a one-shot conversion produces: no raw markdown left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAiHarness, docJSON, oneShot, type AiHarness } from './harness.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { waitFor } from '../support/wait.ts'

const GOLDEN: Record<string, string> = {
  headings: '# Title\n\nIntro paragraph.\n\n## Section two\n\nMore text here.\n\n### Third level',
  nestedLists: '- one\n- two\n  - two a\n  - two b\n    1. deep\n    2. deeper\n- three\n\n1. first\n2. second',
  emphasis: 'Some **bold words** and _italic ones_ and ***both***, plus `inline code` and ~~strike~~ and a [link](https://example.com/x).',
  codeBlocks: 'Before.\n\n```ts\nconst x = 1 ** 2\n// # not a heading\n```\n\nAfter the code.',
  mixed: '## Plan\n\n> A quote with **bold**\n\n- item with `code`\n- item with [a link](https://example.org)\n\n---\n\nDone.',
}

interface Node {
  type: string
  text?: string
  content?: Node[]
  marks?: { type: string }[]
}

/** Text outside code blocks and inline code, one line per block. */
function proseText(nodes: unknown[]): string {
  return (nodes as Node[])
    .map((n) => {
      if (n.type === 'codeBlock') return ''
      if (n.type === 'text') return n.marks?.some((m) => m.type === 'code') ? '' : n.text ?? ''
      return proseText(n.content ?? []) + '\n'
    })
    .join('')
}

describe('markdown fidelity: streamed token by token equals one-shot conversion', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  for (const [name, md] of Object.entries(GOLDEN)) {
    for (const seed of [1, 7]) {
      it(`${name} (token split ${seed})`, async () => {
        const docId = `md-${name}-${seed}`
        const [a, b] = await h.room(docId)
        const before = docJSON(a.doc)
        h.upstream.script({ tokens: tokenize(md, seed), delayMs: 1 })
        const run = await startJob(h.srv.url, docId, { op: 'generate', instruction: 'golden', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester(docId) })
        await run.ended
        expect(run.events.at(-1)!.type).toBe('done')
        // On an empty line, a leading paragraph fills that line; other
        // blocks go above it, so it stays right after the AI's text.
        const blocks = oneShot(md)
        const expected = (blocks[0] as { type: string }).type === 'paragraph' ? blocks : [...blocks, ...before]
        await waitFor(() => JSON.stringify(docJSON(b.doc)) === JSON.stringify(expected), 'formatted document at the peer', 5000).catch(() => {})
        expect(docJSON(b.doc)).toEqual(expected)
        expect(docJSON(a.doc)).toEqual(expected)
        // No markdown syntax outside code: it all became formatting.
        expect(proseText(docJSON(b.doc))).not.toMatch(/\*\*|(^|\n)#|```|~~|\]\(/)
      })
    }
  }
})
