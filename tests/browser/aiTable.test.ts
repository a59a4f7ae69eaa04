/**
 * An AI answer with a Markdown table, streamed slowly: both people see a
 * real <table> with the right cells while it is still streaming, rows appear
 * as their lines complete, and no paragraph ever shows the table's pipes
 * (a MutationObserver in each page records every state the editor goes
 * through, not just the ones a poll happens to see).
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { tokenize } from '../support/fakeOpenAI.ts'
import { ALICE, BOB, announceSkip, useBrowserSuite } from './harness.ts'
import { aiPhase, createDocFromHome, editor, expectConverged, openDoc, poll, write } from './pages.ts'

const skip = announceSkip('aiTable.test.ts')

const TABLE = '| Fruit | Count |\n|---|---|\n| apple | 3 |\n| pear | 4 |\n| plum | 5 |'
const CELLS = [['Fruit', 'Count'], ['apple', '3'], ['pear', '4'], ['plum', '5']]

/** The cells of the tables, row by row, as the person sees them (the AI's caret label removed). */
function tableCells(page: Page): Promise<string[][]> {
  return editor(page).evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret, .ProseMirror-widget')) caret.remove()
    return Array.from(copy.querySelectorAll('table tr'), (tr) => Array.from(tr.querySelectorAll('th, td'), (cell) => (cell.textContent ?? '').trim()))
  })
}

/** Records, from now on, whether any paragraph of the editor ever held a pipe. */
async function watchForPipes(page: Page): Promise<void> {
  await editor(page).evaluate((root) => {
    const w = window as unknown as { __pipes: string[]; __mutations: number }
    w.__pipes = []
    w.__mutations = 0
    const check = (): void => {
      w.__mutations++
      for (const p of root.querySelectorAll('p')) if ((p.textContent ?? '').includes('|')) w.__pipes.push(p.textContent ?? '')
    }
    new MutationObserver(check).observe(root, { childList: true, subtree: true, characterData: true })
  })
}

/** The paragraphs with pipes seen, after checking that the observer saw the stream at all. */
async function pipesSeen(page: Page): Promise<string[]> {
  const { pipes, mutations } = await page.evaluate(() => {
    const w = window as unknown as { __pipes: string[]; __mutations: number }
    return { pipes: w.__pipes, mutations: w.__mutations }
  })
  expect(mutations).toBeGreaterThan(3)
  return pipes
}

describe.skipIf(skip)('AI writes a table', () => {
  const suite = useBrowserSuite()

  test('both people see a real table with the right cells while it streams, never a paragraph of pipes', async () => {
    const tokens = tokenize(TABLE, 4)
    // Pause once the apple row is complete and part of the pear row has arrived.
    const pauseAfter = tokens.findIndex((_, i) => tokens.slice(0, i + 1).join('').length >= TABLE.indexOf('| pear') + 4) + 1
    suite.app.fake.script({ tokens, pauseAfter, delayMs: 60 })

    const alice = await suite.person(ALICE)
    const bob = await suite.person(BOB)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await openDoc(bob.page, suite.app.url, docId)
    await editor(alice.page).click()
    await write(alice.page, 'Fruit stock\n')
    await watchForPipes(alice.page)
    await watchForPipes(bob.page)

    await alice.page.getByTestId('toolbar-ai').click()
    const menu = alice.page.getByTestId('ai-command-menu')
    await menu.getByRole('menuitem', { name: /Write with AI/ }).click()
    await menu.getByRole('textbox', { name: 'What should AI write?' }).fill('A table of the fruit we have')
    await alice.page.keyboard.press('Enter')

    // Mid-stream: the header and the apple row, not yet the half-written pear row.
    for (const person of [alice, bob]) await poll(() => tableCells(person.page)).toEqual(CELLS.slice(0, 2))
    expect(await aiPhase(alice.page)).toBe('running')

    suite.app.fake.release()
    for (const person of [alice, bob]) await poll(() => tableCells(person.page)).toEqual(CELLS)
    await poll(() => aiPhase(alice.page)).toBe('finished')
    await expectConverged(alice.page, bob.page)
    expect(await pipesSeen(alice.page)).toEqual([])
    expect(await pipesSeen(bob.page)).toEqual([])
    // The table is a real one, with a header row.
    expect(await editor(bob.page).locator('table th').count()).toBe(2)
  })
})
