/**
 * Automatic versions in a running server: one before an AI job writes, one
 * after the document has been quiet, none for unchanged content, and one of
 * the last state when the room closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VersionListResponse } from '../../shared/apiTypes.ts'
import { startAiHarness, type AiHarness } from '../ai/harness.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { appendParagraph, connectSynced } from '../support/clients.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { waitFor } from '../support/wait.ts'

describe('automatic versions', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness({ VERSIONS_QUIET_SECONDS: '1' })
  })
  afterAll(async () => {
    await h.close()
  })

  const versions = async (id: string) => ((await (await fetch(`${h.srv.url}/api/docs/${id}/versions`)).json()) as VersionListResponse).versions

  it('takes one before an AI job and one after the quiet period, with who changed the document, and none for unchanged content', async () => {
    const docId = 'auto-versions'
    const a = await connectSynced(h.srv.wsUrl, docId)
    a.provider.awareness.setLocalStateField('user', { name: 'Grace', color: '#123456' })
    appendParagraph(a.doc, 'Notes before the AI.')
    await waitFor(async () => (await versions(docId)).length === 1, 'a version after the quiet period')
    expect(await versions(docId)).toMatchObject([{ kind: 'auto', authors: ['Grace'] }])

    appendParagraph(a.doc, 'A second line, then the AI at once.')
    h.upstream.script({ tokens: tokenize(' More words.'), delayMs: 2 })
    const run = await startJob(h.srv.url, docId, { op: 'continue', anchor: { from: anchorInBlock(a.doc, 1, 5) }, requester: requester('Ada') })
    await run.ended
    const kinds = (await versions(docId)).map((v) => v.kind)
    expect(kinds).toEqual(['before-ai', 'auto'])
    const beforeAi = (await versions(docId))[0]!
    const content = (await (await fetch(`${h.srv.url}/api/docs/${docId}/versions/${beforeAi.id}?format=md`)).text())
    expect(content).toBe('Notes before the AI.\n\nA second line, then the AI at once.\n')

    // The AI's words are a change: a version after the quiet period, credited to the AI.
    await waitFor(async () => (await versions(docId)).length === 3, 'a version after the AI wrote')
    expect((await versions(docId))[0]).toMatchObject({ kind: 'auto', authors: ['AI (for Ada)'] })
    // Nothing changes: nothing more is taken.
    await new Promise((r) => setTimeout(r, 1500))
    expect(await versions(docId)).toHaveLength(3)
    a.destroy()
  })
})
