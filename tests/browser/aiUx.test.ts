/**
 * The AI's rough edges as people hit them (issue 10): "/" on a server
 * without AI, Translate from the keyboard, Esc as Stop, following the AI's
 * text down the page, and status that stays true through offline spells and
 * refusals, in one message at a time.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { tokenize } from '../support/fakeOpenAI.ts'
import { SECRET, call, tokenFor } from '../security/helpers.ts'
import { ALICE, announceSkip, screenshotPath, startApp, useBrowserSuite, type Person } from './harness.ts'
import {
  aiPanelText,
  aiPhase,
  attr,
  caretAtEndOf,
  connectionState,
  createDocFromHome,
  docText,
  editor,
  focused,
  openDoc,
  poll,
  selectBlock,
  textOf,
  tid,
  write,
} from './pages.ts'

const skip = announceSkip('aiUx.test.ts')

const TEA = 'Tea tastes best when it is brewed slowly with water that has just boiled.'
const MEETING = 'The meeting moves to Thursday because the big room is booked.'

function focusedLabel(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const active = document.activeElement
    if (!(active instanceof HTMLInputElement)) return null
    return active.labels?.[0]?.textContent ?? null
  })
}

/**
 * Where the end of the document's text is, against the part of the window
 * that shows the document (below the sticky header, above the AI panel).
 */
function endOfTextInView(page: Page): Promise<{ visible: boolean; bottom: number; top: number; viewTop: number; viewBottom: number }> {
  return page.evaluate(() => {
    const root = document.querySelector('.ProseMirror')!
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    let last: Text | null = null
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node as Text
      if (text.parentElement?.closest('.collaboration-carets__caret')) continue
      if (text.data.trim()) last = text
    }
    const range = document.createRange()
    range.setStart(last!, last!.data.length)
    range.setEnd(last!, last!.data.length)
    const rect = range.getBoundingClientRect()
    const viewTop = document.querySelector('[data-sticky-top]')?.getBoundingClientRect().bottom ?? 0
    const viewBottom = document.querySelector('[data-testid="ai-panel"]')?.getBoundingClientRect().top ?? window.innerHeight
    return { visible: rect.top >= viewTop - 1 && rect.bottom <= viewBottom + 1, top: rect.top, bottom: rect.bottom, viewTop, viewBottom }
  })
}

describe.skipIf(skip)('AI UX in the browser', () => {
  const suite = useBrowserSuite()

  async function aliceIn(lines: string): Promise<Person> {
    const alice = await suite.person(ALICE)
    await createDocFromHome(alice.page, suite.app.url)
    await editor(alice.page).click()
    await write(alice.page, lines)
    return alice
  }

  test('without AI, "/" at the start of a line is just a slash: every key typed after it stays in the text', async () => {
    const plain = await startApp({ ai: false })
    try {
      const alice = await suite.person(ALICE)
      await createDocFromHome(alice.page, plain.url)
      await editor(alice.page).click()
      // The empty document's hint does not offer "/" either.
      await poll(() => attr(alice.page, '.ProseMirror p.is-editor-empty', 'data-placeholder')).toBe('Give it a title…')
      await alice.page.keyboard.type('Paths')
      await alice.page.keyboard.press('Enter')
      await alice.page.keyboard.type('/usr/bin/env is a path.', { delay: 20 })
      await poll(() => docText(alice.page)).toBe('Paths\n/usr/bin/env is a path.')
      await poll(() => focused(alice.page)).toBe('editor')
      // Nothing popped up to take the keys.
      expect(await textOf(alice.page, tid('ai-command-menu'))).toBeNull()
    } finally {
      await plain.close()
    }
  })

  test('with AI, "/" then fast typing closes the menu and keeps every key: "/usr/bin/env" stays whole', async () => {
    const alice = await aliceIn('Paths')
    // Fast typists hit keys 0-60 ms apart; the menu's mount and the focus
    // hand-back take longer than that.
    const lines = ['Paths']
    for (const delay of [0, 20, 40, 60]) {
      await alice.page.keyboard.press('Enter')
      await alice.page.keyboard.type('/usr/bin/env is a path.', { delay })
      lines.push('/usr/bin/env is a path.')
      await poll(() => docText(alice.page)).toBe(lines.join('\n'))
    }
    await poll(() => focused(alice.page)).toBe('editor')
  })

  test('the toolbar Undo button, like Ctrl+Z, offers Discard while an AI job waits, instead of undoing earlier typing', async () => {
    suite.app.fake.script({ tokens: tokenize('A short AI line.', 4) })
    const alice = await aliceIn('My own draft\n')
    await alice.page.getByTestId('toolbar-ai').click()
    await alice.page.getByTestId('ai-command-menu').getByRole('menuitem', { name: /Continue writing/ }).click()
    await poll(() => aiPhase(alice.page)).toBe('finished')
    const written = await docText(alice.page)
    await alice.page.getByRole('button', { name: 'Undo' }).click()
    await poll(() => focused(alice.page)).toBe('ai-discard')
    expect(await docText(alice.page)).toBe(written)
  })

  test('Translate… from the keyboard lands in the language field, and Enter there starts the job', async () => {
    suite.app.fake.script({ tokens: tokenize('La réunion passe à jeudi.', 3) })
    const alice = await aliceIn(MEETING)
    await selectBlock(alice.page, 0)
    const bubble = alice.page.getByTestId('ai-bubble-menu')
    await bubble.getByRole('button', { name: 'Ask AI' }).waitFor()
    await alice.page.keyboard.press('Control+j')
    await poll(() => focusedLabel(alice.page)).toBe('Tell AI what to do with the selection')
    await alice.page.keyboard.type('half-typed')
    await alice.page.keyboard.press('ArrowDown') // into the presets
    for (let i = 0; i < 6; i++) await alice.page.keyboard.press('ArrowDown')
    await poll(() => focusedText(alice.page)).toBe('Translate…')
    await alice.page.keyboard.press('Enter')

    await poll(() => focusedLabel(alice.page)).toBe('Translate the selection to')
    // A fresh field: nothing carried over from the instruction field.
    expect(await alice.page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('')
    await alice.page.keyboard.type('French')
    await alice.page.keyboard.press('Enter')
    await poll(() => aiPhase(alice.page)).toBe('finished')
    const prompt = suite.app.fake.requests.at(-1)?.body.messages.map((m) => m.content).join('\n') ?? ''
    expect(prompt).toContain('French')
    await alice.page.getByTestId('ai-accept').click()
  })

  test('Translate… chosen with the mouse also puts focus in the language field', async () => {
    const alice = await aliceIn(MEETING)
    await selectBlock(alice.page, 0)
    const bubble = alice.page.getByTestId('ai-bubble-menu')
    await bubble.getByRole('button', { name: 'Ask AI' }).click()
    await bubble.getByRole('menuitem', { name: 'Translate…' }).click()
    await poll(() => focusedLabel(alice.page)).toBe('Translate the selection to')
  })

  test('Esc stops a running job, from the editor and from the AI panel, like Stop', async () => {
    suite.app.fake.script({ tokens: tokenize(TEA, 5), pauseAfter: 4 })
    const alice = await aliceIn('Brewing\n')
    await alice.page.keyboard.press('Control+j')
    await alice.page.getByTestId('ai-command-menu').getByRole('menuitem', { name: /Continue writing/ }).click()
    await poll(() => aiPhase(alice.page)).toBe('running')
    await poll(() => docText(alice.page)).not.toBe('Brewing\n')
    await poll(() => focused(alice.page)).toBe('editor')
    await alice.page.keyboard.press('Escape')
    await poll(() => aiPhase(alice.page)).toBe('finished')
    await poll(() => aiPanelText(alice.page)).toContain('Stopped')
    suite.app.fake.release()
    await alice.page.getByTestId('ai-discard').click()
    await poll(() => aiPhase(alice.page)).toBeNull()
    // The panel hands focus back to the document (a frame later); the
    // shortcut below is the editor's.
    await poll(() => focused(alice.page)).toBe('editor')

    // Again, with focus on the panel's Stop button.
    suite.app.fake.script({ tokens: tokenize(TEA, 6), pauseAfter: 4 })
    await alice.page.keyboard.press('Control+j')
    await alice.page.getByTestId('ai-command-menu').getByRole('menuitem', { name: /Continue writing/ }).click()
    await poll(() => aiPhase(alice.page)).toBe('running')
    await alice.page.getByTestId('ai-stop').focus()
    await alice.page.keyboard.press('Escape')
    await poll(() => aiPhase(alice.page)).toBe('finished')
    await poll(() => aiPanelText(alice.page)).toContain('Stopped')
    suite.app.fake.release()
  })

  test('a long continuation at the bottom of the page stays in view, until the person scrolls away', async () => {
    const paragraphs = Array.from({ length: 24 }, (_, i) => `Paragraph ${i + 1} of what the AI writes, long enough to take a line.`)
    suite.app.fake.script({ tokens: tokenize(paragraphs.join('\n\n'), 4), delayMs: 8 })
    const alice = await suite.person(ALICE, { viewport: { width: 900, height: 600 } })
    await createDocFromHome(alice.page, suite.app.url)
    await editor(alice.page).click()
    await write(alice.page, Array.from({ length: 20 }, (_, i) => `My line ${i + 1}`).join('\n'))
    await caretAtEndOf(alice.page, 19)
    await alice.page.keyboard.press('Control+j')
    await alice.page.getByTestId('ai-command-menu').getByRole('menuitem', { name: /Continue writing/ }).click()
    await poll(() => aiPhase(alice.page)).toBe('running')

    // While it writes, the newest text is on screen, not below the fold.
    let checks = 0
    while ((await aiPhase(alice.page)) === 'running' && checks < 200) {
      const where = await endOfTextInView(alice.page)
      const text = await docText(alice.page)
      // Its last line at least starts above the AI panel (the caret follows the text by a message).
      const inView = where.top < where.viewBottom && where.bottom > where.viewTop
      if (text.includes('Paragraph 12')) expect(inView, `the AI text is in view mid-stream: ${JSON.stringify(where)}`).toBe(true)
      checks++
      await alice.page.waitForTimeout(50)
    }
    await poll(() => aiPhase(alice.page)).toBe('finished')
    expect(await endOfTextInView(alice.page)).toMatchObject({ visible: true })
    await alice.page.screenshot({ path: screenshotPath('ai-follow.png') })
    await alice.page.getByTestId('ai-accept').click()

    // Scrolling up to reread stops the following.
    suite.app.fake.script({ tokens: tokenize(paragraphs.join('\n\n'), 5), delayMs: 8 })
    await caretAtEndOf(alice.page, (await docText(alice.page)).split('\n').length - 1)
    await alice.page.keyboard.press('Control+j')
    await alice.page.getByTestId('ai-command-menu').getByRole('menuitem', { name: /Continue writing/ }).click()
    await poll(async () => (await docText(alice.page)).split('Paragraph').length - 1).toBeGreaterThan(paragraphs.length + 3)
    await alice.page.mouse.move(450, 300)
    await alice.page.mouse.wheel(0, -4000)
    await poll(() => alice.page.evaluate(() => window.scrollY)).toBe(0)
    await poll(() => aiPhase(alice.page), 20_000).toBe('finished')
    expect(await alice.page.evaluate(() => window.scrollY)).toBe(0)
  })

  test('Stop while offline says it will be sent, and once back online it is, and the error goes', async () => {
    suite.app.fake.script({ tokens: tokenize(TEA, 7), pauseAfter: 4 })
    const alice = await aliceIn('Offline stop\n')
    await alice.page.keyboard.press('Control+j')
    await alice.page.getByTestId('ai-command-menu').getByRole('menuitem', { name: /Continue writing/ }).click()
    await poll(() => aiPhase(alice.page)).toBe('running')
    await poll(() => docText(alice.page)).not.toBe('Offline stop\n')

    await alice.context.setOffline(true)
    await alice.page.getByTestId('ai-stop').click()
    await poll(() => aiPanelText(alice.page)).toMatch(/offline|connection/i)
    await alice.page.screenshot({ path: screenshotPath('ai-stop-offline.png') })
    await alice.context.setOffline(false)
    await poll(() => aiPhase(alice.page)).toBe('finished')
    await poll(() => aiPanelText(alice.page)).toContain('Stopped')
    expect(await textOf(alice.page, tid('ai-error'))).toBeNull()
    expect(await aiPanelText(alice.page)).not.toContain('Could not reach')
    suite.app.fake.release()
  })

  test('offline mid-stream, the panel says the connection is lost and the AI keeps going on the server; back online it is back to normal', async () => {
    suite.app.fake.script({ tokens: tokenize(TEA, 8), pauseAfter: 4 })
    const alice = await aliceIn('Offline stream\n')
    await alice.page.keyboard.press('Control+j')
    await alice.page.getByTestId('ai-command-menu').getByRole('menuitem', { name: /Continue writing/ }).click()
    await poll(() => aiPhase(alice.page)).toBe('running')

    await alice.context.setOffline(true)
    await poll(() => aiPanelText(alice.page)).toMatch(/offline/i)
    expect(await aiPanelText(alice.page)).toMatch(/server/)
    await alice.page.screenshot({ path: screenshotPath('ai-offline-stream.png') })
    await alice.context.setOffline(false)
    await poll(() => aiPanelText(alice.page)).not.toMatch(/offline|reconnecting/i)
    expect(await aiPhase(alice.page)).toBe('running')
    suite.app.fake.release()
    await poll(() => aiPhase(alice.page)).toBe('finished')
    await poll(() => docText(alice.page)).toBe(`Offline stream\n${TEA}`)
  })

  test('a deleted document shows one message, the banner, and never "Offline"', async () => {
    const alice = await aliceIn('Soon gone')
    const docId = decodeURIComponent(new URL(alice.page.url()).pathname.split('/').pop() ?? '')
    const reply = await fetch(`${suite.app.url}/api/docs/${encodeURIComponent(docId)}`, { method: 'DELETE' })
    expect(reply.status).toBe(204)
    await poll(() => attr(alice.page, tid('connection-closed'), 'data-code')).toBe('4410')
    // Past the grace period after which a lost connection would read "Offline".
    await alice.page.waitForTimeout(4500)
    expect(await connectionState(alice.page)).not.toBe('offline')
    const header = (await textOf(alice.page, 'header')) ?? ''
    expect(header).not.toContain('Offline')
    expect(header).not.toMatch(/back online|reconnect/i)
    await alice.page.screenshot({ path: screenshotPath('doc-deleted.png') })
  })

  test('a link that expires while open shows one message, the banner, and never "Offline"', async () => {
    const guarded = await startApp({ ai: false, env: { AUTH_SECRET: SECRET } })
    try {
      const created = await call(guarded.url, '/api/docs', { method: 'POST', token: await tokenFor('*', 'editor'), body: {} })
      const docId = (created.body as { id: string }).id
      const alice = await suite.person(ALICE)
      // Long enough to open the page on a loaded machine, short enough to expire while it is open.
      const token = await tokenFor(docId, 'editor', { ttlSeconds: 8 })
      await alice.page.goto(`${guarded.url}/d/${docId}?token=${encodeURIComponent(token)}`)
      await poll(() => connectionState(alice.page)).toBe('saved')
      await poll(() => attr(alice.page, tid('connection-closed'), 'data-code'), 15_000).toBe('4401')
      await alice.page.waitForTimeout(4500)
      expect(await connectionState(alice.page)).not.toBe('offline')
      expect((await textOf(alice.page, 'header')) ?? '').not.toMatch(/offline|back online|reconnect/i)
    } finally {
      await guarded.close()
    }
  })
})

function focusedText(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.textContent ?? null)
}
