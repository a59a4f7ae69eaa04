/**
 * Restoring a version while an AI job writes in the document: the job stops
 * with a `document_restored` error, the document ends up equal to the
 * version with nothing of the AI's written after the restore, and the AI's
 * text so far is in the before-restore version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RestoreResponse } from '../../shared/apiTypes.ts'
import { startAiHarness, type AiHarness } from '../ai/harness.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { appendParagraph, connectSynced, fragmentText } from '../support/clients.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { waitFor } from '../support/wait.ts'

describe('restore during an AI job', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => {
    await h.close()
  })

  it('stops the job, and the document equals the version; the AI text so far is in the before-restore version', async () => {
    const docId = 'restore-during-ai'
    const a = await connectSynced(h.srv.wsUrl, docId)
    appendParagraph(a.doc, 'The plan as agreed.')
    await waitFor(async () => (await fetch(`${h.srv.url}/api/docs/${docId}`)).ok, 'the document is stored')
    const named = await fetch(`${h.srv.url}/api/docs/${docId}/versions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Agreed' }) })
    expect(named.status).toBe(201)
    const { id: versionId } = (await named.json()) as { id: string }
    const agreed = await (await fetch(`${h.srv.url}/api/docs/${docId}/versions/${versionId}?format=md`)).text()

    h.upstream.script({ tokens: tokenize(' Lorem ipsum dolor sit amet.'.repeat(80), 1), delayMs: 5 })
    const run = await startJob(h.srv.url, docId, { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 19) }, requester: requester('Ada') })
    await waitFor(() => fragmentText(a.doc.getXmlFragment('default')).includes('Lorem ipsum dolor'), 'the AI writes')

    const restored = await fetch(`${h.srv.url}/api/docs/${docId}/versions/${versionId}/restore`, { method: 'POST' })
    expect(restored.status).toBe(200)
    const { backupVersionId } = (await restored.json()) as RestoreResponse
    await run.ended
    expect(run.events[run.events.length - 1]).toMatchObject({ type: 'error', data: { code: 'document_restored' } })

    // Nothing of the AI's arrives after the restore.
    await new Promise((r) => setTimeout(r, 300))
    await waitFor(() => fragmentText(a.doc.getXmlFragment('default')) === 'The plan as agreed.', 'the client holds the version')
    await new Promise((r) => setTimeout(r, 300))
    expect(fragmentText(a.doc.getXmlFragment('default'))).toBe('The plan as agreed.')
    expect(agreed).toBe('The plan as agreed.\n')

    const backup = await (await fetch(`${h.srv.url}/api/docs/${docId}/versions/${backupVersionId}?format=md`)).text()
    expect(backup).toMatch(/^The plan as agreed\. Lorem ipsum dolor/)
    a.destroy()
  })
})
