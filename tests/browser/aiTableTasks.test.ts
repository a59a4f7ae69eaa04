/**
 * An AI answer with a table and a task list, with two people: while it
 * streams, Bob types in one of its cells and ticks one of its boxes; both
 * see the table and the task list as such, with the pending mark on the
 * AI's cells and items; Alice stops it mid-row, and no pipe or bracket is
 * left for either; Discard takes the AI's text and leaves Bob's words.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { tokenize } from '../support/fakeOpenAI.ts'
import { ALICE, BOB, announceSkip, screenshotPath, useBrowserSuite } from './harness.ts'
import { aiPhase, createDocFromHome, docText, editor, expectConverged, openDoc, poll, write } from './pages.ts'

const skip = announceSkip('aiTableTasks.test.ts')

const ANSWER = '- [ ] Buy [pears](https://shop.example)\n- [ ] Call **Bo**\n\n| Fruit | Count |\n|---|---|\n| apple | 3 |\n| pear | 4 |\n| plum | [five](https://x.example) |\n\nDone.'
/** The model pauses here: inside the plum row, mid `[five](`. */
const PAUSE = ANSWER.indexOf('[five](') + 7

/** Text of the editor without the AI's label, and its cells and task boxes. */
function view(page: Page): Promise<{ text: string; cells: string[]; tasks: Array<[string, boolean]>; marked: number; labels: string[] }> {
  return editor(page).evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement
    const labels = Array.from(copy.querySelectorAll('[data-testid="ai-pending-label"]'), (l) => l.textContent ?? '')
    for (const el of copy.querySelectorAll('.collaboration-carets__caret, .ProseMirror-widget, [data-testid="ai-pending-label"]')) el.remove()
    return {
      text: copy.textContent ?? '',
      cells: Array.from(copy.querySelectorAll('th, td'), (c) => (c.textContent ?? '').trim()),
      tasks: Array.from(root.querySelectorAll('li[data-checked]'), (li) => [(li.querySelector(':scope > div')?.textContent ?? '').trim(), li.getAttribute('data-checked') === 'true'] as [string, boolean]),
      marked: root.querySelectorAll('td .ai-pending, th .ai-pending, li[data-checked] .ai-pending').length,
      labels,
    }
  })
}

describe.skipIf(skip)('AI writes a task list and a table while someone works in them', () => {
  const suite = useBrowserSuite()

  test('both see them as a table and task list with the pending mark; Stop mid-row leaves no syntax; Discard keeps Bob\'s words', async () => {
    suite.app.fake.script({ tokens: ANSWER.split(''), pauseAfter: PAUSE, delayMs: 8 })
    const alice = await suite.person(ALICE)
    const bob = await suite.person(BOB)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await openDoc(bob.page, suite.app.url, docId)
    await editor(alice.page).click()
    await write(alice.page, 'Shopping\n')
    await alice.page.getByTestId('toolbar-ai').click()
    const menu = alice.page.getByTestId('ai-command-menu')
    await menu.getByRole('menuitem', { name: /Write with AI/ }).click()
    await menu.getByRole('textbox', { name: 'What should AI write?' }).fill('A shopping list and a table')
    await alice.page.keyboard.press('Enter')

    // Paused inside the last row: the task list and the whole rows, for both.
    for (const person of [alice, bob]) await poll(async () => (await view(person.page)).cells).toEqual(['Fruit', 'Count', 'apple', '3', 'pear', '4'])
    expect(await aiPhase(alice.page)).toBe('running')

    // Bob types at the end of the "pear" cell and ticks the first task.
    await editor(bob.page).locator('td', { hasText: 'pear' }).click()
    await bob.page.keyboard.press('End')
    await bob.page.keyboard.insertText(' BOB')
    await editor(bob.page).locator('li[data-checked] input[type="checkbox"]').first().click()
    for (const person of [alice, bob]) {
      await poll(async () => (await view(person.page)).cells).toEqual(['Fruit', 'Count', 'apple', '3', 'pear BOB', '4'])
      await poll(async () => (await view(person.page)).tasks).toEqual([['Buy pears', true], ['Call Bo', false]])
    }
    const mid = await view(bob.page)
    expect(mid.marked).toBeGreaterThanOrEqual(6)
    expect(mid.labels).toEqual([`AI · for ${ALICE.name}, writing`])
    expect(mid.text).not.toMatch(/\||\[|\]/)
    await bob.page.screenshot({ path: screenshotPath('ai-table-tasks-writing.png') })

    // Alice stops it inside "[five](": the plum row never shows.
    await alice.page.getByTestId('ai-stop').click()
    await poll(() => aiPhase(alice.page)).toBe('finished')
    await expectConverged(alice.page, bob.page)
    for (const person of [alice, bob]) {
      const after = await view(person.page)
      expect(after.text).not.toMatch(/\||\[|\]|\*\*/)
      expect(after.cells).toEqual(['Fruit', 'Count', 'apple', '3', 'pear BOB', '4'])
    }
    expect((await view(bob.page)).labels).toEqual([`AI · for ${ALICE.name}, pending`])
    await bob.page.screenshot({ path: screenshotPath('ai-table-tasks-pending.png') })

    // Discard: the AI's words go; Bob's stay, in the cell he typed them into.
    await alice.page.getByTestId('ai-discard').click()
    await poll(() => docText(bob.page)).not.toContain('apple')
    await expectConverged(alice.page, bob.page)
    const left = await view(bob.page)
    expect(left.text).toContain('BOB')
    expect(left.text).not.toMatch(/Buy|Call|Fruit|apple|pear/)
    expect(left.labels).toEqual([])
  })

  test('a table selected by dragging across its cells, rewritten, comes back as one table in its place; Discard brings the old one back', async () => {
    suite.app.fake.script({ tokens: tokenize('| Fruit | Count |\n|---|---|\n| apple | 3 |\n| pear | 4 |', 5) })
    const alice = await suite.person(ALICE)
    await createDocFromHome(alice.page, suite.app.url)
    await editor(alice.page).click()
    await write(alice.page, 'Stock\n')
    await alice.page.getByTestId('toolbar-ai').click()
    const menu = alice.page.getByTestId('ai-command-menu')
    await menu.getByRole('menuitem', { name: /Write with AI/ }).click()
    await menu.getByRole('textbox', { name: 'What should AI write?' }).fill('A table')
    await alice.page.keyboard.press('Enter')
    await poll(() => aiPhase(alice.page)).toBe('finished')
    await alice.page.getByTestId('ai-accept').click()
    await poll(async () => (await view(alice.page)).cells).toEqual(['Fruit', 'Count', 'apple', '3', 'pear', '4'])

    // Drag from the first cell to the last: a cell selection of the whole table.
    const first = await editor(alice.page).locator('th').first().boundingBox()
    const last = await editor(alice.page).locator('td').last().boundingBox()
    if (first === null || last === null) throw new Error('no table on the page')
    await alice.page.mouse.move(first.x + 5, first.y + first.height / 2)
    await alice.page.mouse.down()
    await alice.page.mouse.move(last.x + last.width - 5, last.y + last.height / 2, { steps: 8 })
    await alice.page.mouse.up()
    const rewritten = '| Fruit | Count |\n|---|---|\n| apples | three |\n| pears | four |'
    suite.app.fake.script({ tokens: tokenize(rewritten, 4) })
    const bubble = alice.page.getByTestId('ai-bubble-menu')
    await bubble.getByRole('button', { name: 'Ask AI' }).click()
    await bubble.getByRole('menuitem', { name: 'Improve writing' }).click()
    await poll(() => aiPhase(alice.page)).toBe('finished')
    // The model was shown the table as a table.
    expect(suite.app.fake.requests.at(-1)?.body.messages.at(-1)?.content).toContain('<selection>| Fruit | Count |\n| --- | --- |\n| apple | 3 |\n| pear | 4 |</selection>')
    await poll(async () => (await view(alice.page)).cells).toEqual(['Fruit', 'Count', 'apples', 'three', 'pears', 'four'])
    expect(await editor(alice.page).locator('table').count()).toBe(1)
    await alice.page.screenshot({ path: screenshotPath('ai-table-rewrite.png') })
    await alice.page.getByTestId('ai-discard').click()
    await poll(async () => (await view(alice.page)).cells).toEqual(['Fruit', 'Count', 'apple', '3', 'pear', '4'])
    expect(await editor(alice.page).locator('table').count()).toBe(1)
  })
})
