/**
 * The AI as people meet it in the browser: generate from the command menu,
 * rewrite from the bubble menu, Stop / Accept / Discard, a network drop in
 * the middle of a stream, the keyboard paths, and a server without AI.
 *
 * The fake model pauses after a few tokens (`pauseAfter`) so every test can
 * look at the document while the AI is still writing, then `release()`s it.
 */
import { describe, expect, test } from 'vitest'
import { tokenize } from '../support/fakeOpenAI.ts'
import { ALICE, BOB, SCREENSHOT_VIEWPORT, announceSkip, screenshotPath, startApp, useBrowserSuite, type Person } from './harness.ts'
import { attr, caretAtEndOf, createDocFromHome, docText, editor, expectConverged, expectSaved, focused, openDoc, poll, selectBlock, textOf, tid, write } from './pages.ts'
import type { BrowserContextOptions, Page } from 'playwright-core'

const skip = announceSkip('ai.test.ts')

const OTTERS = 'Otters hold hands while they sleep so that they do not drift apart.'
const TEA = 'Tea tastes best when it is brewed slowly with water that has just boiled.'
const MEETING = 'The meeting moves to Thursday because the big room is booked.'
const AGENDA = 'Please bring the budget notes and your questions.'
const FORMAL = 'The meeting has been rescheduled to Thursday, as the main conference room is unavailable.'

/** The `index`-th line of the document as the person sees it. */
async function line(page: Page, index: number): Promise<string> {
  return (await docText(page)).split('\n')[index] ?? ''
}

/** Polls until the line holds part, but not all, of `full`: the AI is mid-sentence. */
async function expectPartOf(page: Page, index: number, full: string): Promise<string> {
  await poll(async () => {
    const shown = await line(page, index)
    return shown.length > 0 && shown.length < full.length && full.startsWith(shown)
  }).toBe(true)
  return line(page, index)
}

/** The requester's AI panel: its phase, or null when it is closed. */
function phase(page: Page): Promise<string | null> {
  return attr(page, tid('ai-panel'), 'data-phase')
}

function panelText(page: Page): Promise<string | null> {
  return textOf(page, tid('ai-panel'))
}

/** The AI's own caret label as another person sees it: "AI · for <requester>". */
function aiCaretLabel(viewer: Person): Promise<string | null> {
  return textOf(viewer.page, '.collaboration-carets__caret--ai .collaboration-carets__label')
}

function focusedText(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.textContent ?? null)
}

function focusedTag(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.tagName ?? null)
}

/** Tab (keyboard only) until the document has focus. */
async function tabIntoEditor(page: Page): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab')
    if ((await focused(page)) === 'editor') return
  }
  throw new Error('Tab never reached the editor')
}

/** "Write with AI…" from the toolbar's AI menu, with a prompt. */
async function generateFromMenu(page: Page, instruction: string): Promise<void> {
  await page.getByTestId('toolbar-ai').click()
  const menu = page.getByTestId('ai-command-menu')
  await menu.getByRole('menuitem', { name: /Write with AI/ }).click()
  await menu.getByRole('textbox', { name: 'What should AI write?' }).fill(instruction)
  await page.keyboard.press('Enter')
}

describe.skipIf(skip)('AI in the browser', () => {
  const suite = useBrowserSuite({ proxy: true })

  async function twoPeople(firstLine: string, aliceOptions: BrowserContextOptions = {}): Promise<[Person, Person]> {
    const alice = await suite.person(ALICE, aliceOptions)
    const bob = await suite.person(BOB)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await openDoc(bob.page, suite.app.url, docId)
    await editor(alice.page).click()
    await write(alice.page, `${firstLine}\n`)
    await poll(() => docText(bob.page)).toBe(`${firstLine}\n`)
    return [alice, bob]
  }

  test('generate from the command menu appears progressively for both people, under an AI caret named for the requester; Accept keeps it', async () => {
    const tokens = tokenize(OTTERS, 3)
    suite.app.fake.script({ tokens, pauseAfter: 6 })
    const [alice, bob] = await twoPeople('Notes about otters')

    await generateFromMenu(alice.page, 'One sentence about otters')

    // Mid-stream: part of the sentence is in both pages, and the AI is a participant.
    await expectPartOf(alice.page, 1, OTTERS)
    await expectPartOf(bob.page, 1, OTTERS)
    expect(await phase(alice.page)).toBe('running')
    await poll(() => aiCaretLabel(bob)).toBe(`AI · for ${ALICE.name}`)
    await poll(() => attr(bob.page, `${tid('avatar')}[data-kind="ai"]`, 'aria-label')).toBe(`AI · for ${ALICE.name} (AI, working)`)
    // Bob has no panel: the job is Alice's to control.
    expect(await phase(bob.page)).toBeNull()

    suite.app.fake.release()
    await poll(() => phase(alice.page)).toBe('finished')
    await poll(() => docText(bob.page)).toBe(`Notes about otters\n${OTTERS}`)
    expect(await docText(alice.page)).toBe(`Notes about otters\n${OTTERS}`)
    await poll(() => aiCaretLabel(bob)).toBeNull()

    await alice.page.getByTestId('ai-accept').click()
    await poll(() => phase(alice.page)).toBeNull()
    await expectConverged(alice.page, bob.page)
    expect(await docText(bob.page)).toBe(`Notes about otters\n${OTTERS}`)
    // The model got the instruction, and the document around the caret.
    const prompt = suite.app.fake.requests.at(-1)?.body.messages.at(-1)?.content ?? ''
    expect(prompt).toContain('One sentence about otters')
    expect(prompt).toContain('Notes about otters')
  })

  test('Stop keeps what the AI wrote so far, and Discard then removes it for everyone', async () => {
    suite.app.fake.script({ tokens: tokenize(TEA, 5), pauseAfter: 5 })
    const [alice, bob] = await twoPeople('Brewing')

    // "/" on the empty line opens the same command menu.
    await alice.page.keyboard.type('/')
    const menu = alice.page.getByTestId('ai-command-menu')
    await menu.getByRole('menuitem', { name: /Write with AI/ }).click()
    await menu.getByRole('textbox').fill('How to brew tea')
    await alice.page.keyboard.press('Enter')

    await expectPartOf(bob.page, 1, TEA)
    await alice.page.getByTestId('ai-stop').click()
    await poll(() => phase(alice.page)).toBe('finished')
    await poll(() => panelText(alice.page)).toContain('Stopped')
    const partial = await expectPartOf(alice.page, 1, TEA)
    await expectConverged(alice.page, bob.page)
    expect(await line(bob.page, 1)).toBe(partial)
    suite.app.fake.release()

    await alice.page.getByTestId('ai-discard').click()
    await poll(() => phase(alice.page)).toBeNull()
    await poll(() => docText(bob.page)).toBe('Brewing\n')
    expect(await docText(alice.page)).toBe('Brewing\n')
  })

  test('rewrite a selection from the bubble menu, with a preset and with a free instruction; Discard restores the original', async () => {
    const [alice, bob] = await twoPeople('Team update', { viewport: SCREENSHOT_VIEWPORT })
    await write(alice.page, `${MEETING}\n${AGENDA}`)
    const original = `Team update\n${MEETING}\n${AGENDA}`
    await poll(() => docText(bob.page)).toBe(original)
    const bubble = alice.page.getByTestId('ai-bubble-menu')

    // A preset, watched mid-rewrite.
    suite.app.fake.script({ tokens: tokenize(FORMAL, 7), pauseAfter: 8 })
    await selectBlock(alice.page, 1)
    await bubble.getByRole('button', { name: 'Ask AI' }).click()
    await bubble.getByRole('menuitem', { name: 'More formal' }).click()
    await expectPartOf(alice.page, 1, FORMAL)
    await expectPartOf(bob.page, 1, FORMAL)
    await poll(() => aiCaretLabel(bob)).toBe(`AI · for ${ALICE.name}`)
    expect(await phase(alice.page)).toBe('running')
    await poll(() => panelText(alice.page)).toContain('AI is rewriting the selection')
    expect(await line(bob.page, 2)).toBe(AGENDA)
    await alice.page.screenshot({ path: screenshotPath('ai-rewrite.png') })
    suite.app.fake.release()
    await poll(() => phase(alice.page)).toBe('finished')
    await poll(() => docText(bob.page)).toBe(`Team update\n${FORMAL}\n${AGENDA}`)
    await alice.page.getByTestId('ai-discard').click()
    await poll(() => docText(bob.page)).toBe(original)
    expect(await docText(alice.page)).toBe(original)

    // A free instruction, typed into the bubble.
    const pirate = 'Arr, the meeting be Thursday, for the big cabin be taken!'
    suite.app.fake.script({ tokens: tokenize(pirate, 2) })
    await selectBlock(alice.page, 1)
    await bubble.getByRole('button', { name: 'Ask AI' }).click()
    await bubble.getByRole('textbox', { name: 'Tell AI what to do with the selection' }).fill('Say it like a pirate')
    await alice.page.keyboard.press('Enter')
    await poll(() => phase(alice.page)).toBe('finished')
    await poll(() => docText(bob.page)).toBe(`Team update\n${pirate}\n${AGENDA}`)
    const prompt = suite.app.fake.requests.at(-1)?.body.messages.at(-1)?.content ?? ''
    expect(prompt).toContain('Say it like a pirate')
    expect(prompt).toContain(`<selection>${MEETING}</selection>`)
    await alice.page.getByTestId('ai-discard').click()
    await poll(() => phase(alice.page)).toBeNull()
    await poll(() => docText(bob.page)).toBe(original)
    await expectConverged(alice.page, bob.page)
  })

  test('a network drop in the middle of the AI stream resumes by itself, and the text ends complete and not duplicated', async () => {
    const proxy = suite.app.proxy
    if (!proxy) throw new Error('this test needs the cutting proxy')
    suite.app.fake.script({ tokens: tokenize(OTTERS, 11), pauseAfter: 7 })
    const [alice, bob] = await twoPeople('Drop test')
    // The first attempt to resume fails too, so the retry has to try again.
    let refusedResumes = 0
    await alice.page.route('**/api/ai/jobs/*/events*', async (route) => {
      refusedResumes++
      await route.abort('connectionreset')
    }, { times: 1 })

    await generateFromMenu(alice.page, 'Otter facts')
    await expectPartOf(alice.page, 1, OTTERS)
    expect(proxy.cut(/^POST \/api\/docs\/[^/]+\/ai$/)).toBe(1)
    await poll(() => panelText(alice.page)).toContain('reconnecting')

    // It picks up where it was: from the last event it had, not from the start.
    await poll(() => proxy.requests.filter((r) => /^GET \/api\/ai\/jobs\/[^/]+\/events\?lastEventId=[1-9]/.test(r)).length).toBe(1)
    expect(refusedResumes).toBe(1)
    await poll(() => panelText(alice.page)).not.toContain('reconnecting')
    expect(await phase(alice.page)).toBe('running')

    suite.app.fake.release()
    await poll(() => phase(alice.page)).toBe('finished')
    await expectConverged(alice.page, bob.page)
    expect(await docText(alice.page)).toBe(`Drop test\n${OTTERS}`)
    expect(await textOf(alice.page, tid('ai-error'))).toBeNull()
    await alice.page.getByTestId('ai-accept').click()
    await poll(() => phase(alice.page)).toBeNull()
  })

  test('keyboard only: Mod-j, Enter and a prompt generate; Mod-z right after the job offers Discard instead of undoing earlier typing', async () => {
    suite.app.fake.script({ tokens: tokenize(TEA, 4) })
    const alice = await suite.person(ALICE)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    // Start from a fresh page load: no mouse from here on.
    await openDoc(alice.page, suite.app.url, docId)
    await tabIntoEditor(alice.page)
    await alice.page.keyboard.type('My own draft')
    await alice.page.keyboard.press('Enter')

    await alice.page.keyboard.press('Control+j')
    await poll(() => focusedText(alice.page)).toContain('Write with AI')
    await alice.page.keyboard.press('Enter')
    await poll(() => focusedTag(alice.page)).toBe('INPUT')
    await alice.page.keyboard.type('A line about tea')
    await alice.page.keyboard.press('Enter')
    await poll(() => phase(alice.page)).toBe('finished')
    await poll(() => docText(alice.page)).toBe(`My own draft\n${TEA}`)
    await poll(() => focused(alice.page)).toBe('editor')

    // Mod-z now means "take back the AI's text", and says how.
    await alice.page.keyboard.press('Control+z')
    await poll(() => focused(alice.page)).toBe('ai-discard')
    await poll(() => panelText(alice.page)).toContain('Press Enter to discard the AI text')
    expect(await docText(alice.page)).toBe(`My own draft\n${TEA}`)
    await alice.page.keyboard.press('Enter')
    await poll(() => phase(alice.page)).toBeNull()
    await poll(() => docText(alice.page)).toBe('My own draft\n')
    await poll(() => focused(alice.page)).toBe('editor')

    // With no AI job to offer, Mod-z is the ordinary undo again.
    await alice.page.keyboard.press('Control+z')
    await poll(() => docText(alice.page)).not.toBe('My own draft\n')
  })

  test('keyboard only: Mod-j on a selection rewrites it, and Stop and Accept are reachable with Tab and Enter', async () => {
    const shorter = 'We meet on Thursday instead.'
    suite.app.fake.script({ tokens: tokenize(shorter, 9), pauseAfter: 3 })
    const alice = await suite.person(ALICE)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await openDoc(alice.page, suite.app.url, docId)
    await tabIntoEditor(alice.page)
    await alice.page.keyboard.type(MEETING)
    // To the start of the document: Home alone would stop at the wrapped line's edge.
    await alice.page.keyboard.press('Control+Shift+Home')
    // The editor takes the browser's selection a moment later; "Ask AI" shows when it has.
    await alice.page.getByTestId('ai-bubble-menu').getByRole('button', { name: 'Ask AI' }).waitFor()

    await alice.page.keyboard.press('Control+j')
    await poll(() => attr(alice.page, tid('ai-bubble-menu'), 'aria-label')).toBe('Ask AI about the selection')
    await poll(() => focusedTag(alice.page)).toBe('INPUT')
    await alice.page.keyboard.press('ArrowDown') // into the presets
    await alice.page.keyboard.press('ArrowDown')
    await alice.page.keyboard.press('ArrowDown')
    await poll(() => focusedText(alice.page)).toBe('Make shorter')
    await alice.page.keyboard.press('Enter')

    await expectPartOf(alice.page, 0, shorter)
    await poll(() => focused(alice.page)).toBe('editor')
    await alice.page.keyboard.press('Tab')
    await poll(() => focused(alice.page)).toBe('ai-stop')
    await alice.page.keyboard.press('Enter')
    await poll(() => phase(alice.page)).toBe('finished')
    suite.app.fake.release()
    // Stop's button is gone; focus moves to the panel's next choice rather than getting lost.
    await poll(() => focused(alice.page)).toBe('ai-accept')
    const partial = await line(alice.page, 0)
    await alice.page.keyboard.press('Enter')
    await poll(() => phase(alice.page)).toBeNull()
    await poll(() => focused(alice.page)).toBe('editor')
    expect(await line(alice.page, 0)).toBe(partial)
    expect(shorter.startsWith(partial)).toBe(true)
  })

  test('without AI_MODEL, the AI menus say how to configure it and the editor keeps working', async () => {
    const plain = await startApp({ ai: false })
    try {
      const alice = await suite.person(ALICE)
      const bob = await suite.person(BOB)
      const docId = await createDocFromHome(alice.page, plain.url)
      await openDoc(bob.page, plain.url, docId)
      await editor(alice.page).click()

      await alice.page.keyboard.press('Control+j')
      await poll(() => textOf(alice.page, `${tid('ai-command-menu')} ${tid('ai-not-configured')}`)).toContain('AI_MODEL')
      // Its Close button has focus, and closing returns to the document.
      await poll(() => focusedText(alice.page)).toBe('Close')
      await alice.page.keyboard.press('Enter')
      await poll(() => attr(alice.page, tid('ai-command-menu'), 'class')).toBeNull()
      await poll(() => focused(alice.page)).toBe('editor')

      await alice.page.keyboard.type('Still writing without AI', { delay: 5 })
      await poll(() => docText(bob.page)).toBe('Still writing without AI')

      // The selection menu says the same.
      await selectBlock(alice.page, 0)
      const bubble = alice.page.getByTestId('ai-bubble-menu')
      await bubble.getByRole('button', { name: 'Ask AI' }).click()
      await poll(() => textOf(alice.page, `${tid('ai-bubble-menu')} ${tid('ai-not-configured')}`)).toContain('AI_MODEL')
      await alice.page.keyboard.press('Escape')
      await poll(() => textOf(alice.page, tid('ai-not-configured'))).toBeNull()
      await poll(() => focused(alice.page)).toBe('editor')
      // The caret at the end, checked: the block's selection comes back with focus a frame later, and an End pressed before it is lost.
      await caretAtEndOf(alice.page, 0)
      await alice.page.keyboard.type('!')
      await poll(() => docText(bob.page)).toBe('Still writing without AI!')
      await expectSaved(alice.page)
      expect(plain.fake.requests).toHaveLength(0)
    } finally {
      await plain.close()
    }
  })
})
