/**
 * The editor through one address: Chromium talks to nginx (the README's
 * configuration, round-robin, no stickiness) in front of three instances on
 * PostgreSQL and Redis, through the cutting proxy so the test can drop the
 * AI stream. Each request and socket goes to whichever instance nginx picks,
 * so the resumed stream is usually served by another instance than the one
 * running the job.
 */
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { tokenize } from '../support/fakeOpenAI.ts'
import { announceNginxStackSkip, startNginxStack, type NginxStack } from '../scale/behindNginx.ts'
import { startCutProxy, type CutProxy } from './cutProxy.ts'
import { ALICE, BOB, announceSkip, closeAll, launchBrowser, openPerson, type Person } from './harness.ts'
import { aiPanelText, aiPhase, createDocFromHome, docText, editor, expectConverged, expectSaved, openDoc, poll, write } from './pages.ts'

const skip = announceSkip('nginx.test.ts') || announceNginxStackSkip('tests/browser/nginx.test.ts')
const CLIENT_DIR = path.resolve(import.meta.dirname, '../../dist/client')
const OTTERS = 'Otters hold hands while they sleep so that they do not drift apart.'

async function generateFromMenu(page: Page, instruction: string): Promise<void> {
  await page.getByTestId('toolbar-ai').click()
  const menu = page.getByTestId('ai-command-menu')
  await menu.getByRole('menuitem', { name: /Write with AI/ }).click()
  await menu.getByRole('textbox', { name: 'What should AI write?' }).fill(instruction)
  await page.keyboard.press('Enter')
}

describe.skipIf(skip)('the editor behind nginx and three instances', () => {
  let browser: Browser
  let stack: NginxStack
  let proxy: CutProxy
  const people: Person[] = []
  beforeAll(async () => {
    browser = await launchBrowser()
    stack = await startNginxStack(3, { STATIC_DIR: CLIENT_DIR })
    proxy = await startCutProxy(stack.nginx.port)
  })
  afterEach(async () => {
    await closeAll(people.splice(0))
  })
  afterAll(async () => {
    await proxy?.close()
    await stack?.close()
    await browser?.close()
  })
  const person = async (who: typeof ALICE | typeof BOB) => {
    const p = await openPerson(browser, who)
    people.push(p)
    return p
  }

  test('two people write through one address; an AI stream dropped mid-job resumes on whichever instance answers, and Accept works', async () => {
    stack.upstream.script({ tokens: tokenize(OTTERS, 11), pauseAfter: 7 })
    const [alice, bob] = [await person(ALICE), await person(BOB)]
    const docId = await createDocFromHome(alice.page, proxy.url)
    await openDoc(bob.page, proxy.url, docId)
    await editor(alice.page).click()
    await write(alice.page, 'Drop test\n')
    await poll(() => docText(bob.page)).toBe('Drop test\n')
    // Stored, so whichever instance takes the AI request knows the paragraph.
    await expectSaved(alice.page)

    await generateFromMenu(alice.page, 'Otter facts')
    await poll(async () => {
      const shown = (await docText(bob.page)).split('\n')[1] ?? ''
      return shown.length > 0 && shown.length < OTTERS.length && OTTERS.startsWith(shown)
    }).toBe(true)
    expect(proxy.cut(/^POST \/api\/docs\/[^/]+\/ai$/)).toBe(1)

    // The editor resumes from the last event it had, wherever nginx sends it.
    // Cut again until a resume has been served by another instance than the
    // job's (nginx logs a request, and who served it, when it ends).
    const served = () => stack.nginx.served()
    const post = () => served().find((r) => r.method === 'POST' && r.uri.endsWith('/ai'))
    await poll(() => post()?.port ?? null).not.toBeNull()
    const jobPort = post()!.port
    const resumes = () => served().filter((r) => r.method === 'GET' && /\/api\/ai\/jobs\/[^/]+\/events\?lastEventId=[1-9]/.test(r.uri))
    for (let cuts = 0; !resumes().some((r) => r.status === 200 && r.port !== jobPort); cuts++) {
      expect(cuts).toBeLessThan(8)
      await poll(() => proxy.requests.filter((r) => /^GET \/api\/ai\/jobs\/[^/]+\/events\?lastEventId=[1-9]/.test(r)).length).toBe(cuts + 1)
      await poll(() => aiPanelText(alice.page)).not.toContain('reconnecting')
      proxy.cut(/^GET \/api\/ai\/jobs\//)
      await poll(() => resumes().length).toBe(cuts + 1)
    }
    await poll(() => aiPanelText(alice.page)).not.toContain('reconnecting')
    expect(await aiPhase(alice.page)).toBe('running')

    stack.upstream.release()
    await poll(() => aiPhase(alice.page)).toBe('finished')
    await expectConverged(alice.page, bob.page)
    expect(await docText(alice.page)).toBe(`Drop test\n${OTTERS}`)
    // Accept goes to whichever instance nginx picks, and reaches the job.
    await alice.page.getByTestId('ai-accept').click()
    await poll(() => aiPhase(alice.page)).toBeNull()
    expect(await docText(bob.page)).toBe(`Drop test\n${OTTERS}`)
  })
})
