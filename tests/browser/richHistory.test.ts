/**
 * Version history meets tables, task lists, links and highlight (issue 14
 * reviewed with issue 12): the comparison marks exactly what changed in
 * them, "Change n of m" lands on those changes, and a restore of a table
 * that someone is typing in keeps their words and the table rectangular.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { call } from '../security/helpers.ts'
import { ALICE, BOB, announceSkip, useBrowserSuite } from './harness.ts'
import { newDocOpen, paste, selectText, tableIn, tableMenu, tasksIn } from './editingPages.ts'
import { expectConverged, expectSaved, openDoc, poll } from './pages.ts'

const skip = announceSkip('richHistory.test.ts')

const SEED = [
  '# Plan',
  '',
  'See [the site](https://example.com/a) for more.',
  '',
  '- [ ] Book room',
  '- [x] Send invites',
  '',
  '| Name | Role | Team |',
  '|---|---|---|',
  '| Ada | Lead | Core |',
  '| Bob | Dev | Web |',
  '',
  'End.',
].join('\n')

function historyDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Version history' })
}

/** A document with a link, a task list and a table, kept as the version "Seeded". */
async function seededDoc(page: Page, baseUrl: string): Promise<string> {
  const docId = await newDocOpen(page, baseUrl)
  await paste(page, { 'text/plain': SEED })
  await poll(() => tableIn(page)).toEqual([
    ['Name', 'Role', 'Team'],
    ['Ada', 'Lead', 'Core'],
    ['Bob', 'Dev', 'Web'],
  ])
  await expectSaved(page)
  expect((await call(baseUrl, `/api/docs/${docId}/versions`, { method: 'POST', body: { name: 'Seeded' } })).status).toBe(201)
  return docId
}

/** The text of the comparison's current change ("Change n of m" and the block it outlines). */
function currentChange(page: Page): Promise<{ where: string | null; text: string | null }> {
  return page.evaluate(() => {
    const copy = document.querySelector('.diff-current')?.cloneNode(true) as HTMLElement | undefined
    for (const hidden of copy?.querySelectorAll('.visually-hidden') ?? []) hidden.remove()
    return { where: document.querySelector('.change-nav__where')?.textContent ?? null, text: copy?.textContent ?? null }
  })
}

describe.skipIf(skip)('version history with tables, tasks and links', () => {
  const suite = useBrowserSuite({ ai: false })

  test('a version with a table, unchanged since, is the same as the document; a cell edited and a task ticked are the only changes', async () => {
    const alice = await suite.person(ALICE, { viewport: { width: 1200, height: 900 } })
    await seededDoc(alice.page, suite.app.url)

    await alice.page.getByTestId('history-button').click()
    const dialog = historyDialog(alice.page)
    await dialog.getByTestId('version-list').getByText('Seeded').click()
    await poll(() => alice.page.getByTestId('version-summary').textContent()).toBe('The document is the same as this version.')
    await dialog.getByRole('button', { name: 'Close' }).click()

    await selectText(alice.page, 'Dev', { caretOnly: 'end' })
    await alice.page.keyboard.insertText(' ops')
    await alice.page.locator('ul[data-type="taskList"] > li').first().locator('input[type="checkbox"]').click()
    await poll(() => tasksIn(alice.page).then((tasks) => tasks.map((t) => t.checked))).toEqual([true, true])
    // The box's own tick shows at once; the document's is what History compares.
    await poll(() => alice.page.evaluate(() => JSON.stringify((document.querySelector('.ProseMirror') as HTMLElement & { editor: { getJSON(): unknown } }).editor.getJSON()))).toMatch(/"checked":true\},"content":\[\{"type":"paragraph","content":\[\{"type":"text","text":"Book room"/)
    await expectSaved(alice.page)

    await alice.page.getByTestId('history-button').click()
    await dialog.getByTestId('version-list').getByText('Seeded').click()
    await poll(() => alice.page.getByTestId('version-summary').textContent()).toMatch(/^Since this version: 2 blocks changed\./)
    await poll(() => currentChange(alice.page)).toEqual({ where: 'Change 1 of 2', text: 'Book room' })
    await dialog.getByRole('button', { name: 'Next change' }).click()
    await poll(() => currentChange(alice.page)).toEqual({ where: 'Change 2 of 2', text: 'Dev ops' })
  })
  test('restoring a table while Bob types in it: the column added since goes, his words typed after the restore stay in his cell, both agree; Copy text gives the table as Markdown', async () => {
    const alice = await suite.person(ALICE, { viewport: { width: 1200, height: 900 } })
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    const docId = await seededDoc(alice.page, suite.app.url)
    await selectText(alice.page, 'Team', { caretOnly: 'end' })
    await tableMenu(alice.page, 'Add column after')
    await alice.page.keyboard.press('Tab')
    await alice.page.keyboard.insertText('Site')
    await expectSaved(alice.page)
    const bob = await suite.person(BOB)
    await openDoc(bob.page, suite.app.url, docId)
    await selectText(bob.page, 'Lead', { caretOnly: 'end' })
    await bob.page.keyboard.insertText(' dev')
    await expectSaved(bob.page)

    await alice.page.getByTestId('history-button').click()
    const dialog = historyDialog(alice.page)
    await dialog.getByTestId('version-list').getByText('Seeded').click()
    await dialog.getByRole('button', { name: 'Copy text' }).click()
    await poll(() => dialog.getByRole('status').textContent()).toMatch(/^Copied/)
    expect(await alice.page.evaluate(() => navigator.clipboard.readText())).toContain('| Name | Role | Team |\n| --- | --- | --- |\n| Ada | Lead | Core |')
    await dialog.getByTestId('version-restore').click()
    await poll(() => dialog.getByRole('status').textContent()).toMatch(/^Restored “Seeded”\./)
    // Bob's caret is still in his cell: what he types next lands there.
    await bob.page.keyboard.insertText(' lead')
    await expectConverged(alice.page, bob.page)
    expect(await tableIn(bob.page)).toEqual([
      ['Name', 'Role', 'Team'],
      ['Ada', 'Lead lead', 'Core'],
      ['Bob', 'Dev', 'Web'],
    ])
    await poll(() => alice.page.getByTestId('version-summary').textContent()).toMatch(/^Since this version: 1 block changed\./)
  })
  test('at phone width, a change in the far column of a wide table is brought into view inside the table\'s box', async () => {
    const alice = await suite.person(ALICE, { viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true })
    const docId = await newDocOpen(alice.page, suite.app.url)
    const columns = Array.from({ length: 10 }, (_, i) => `Column${i}`)
    await paste(alice.page, { 'text/plain': `| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|\n| ${columns.map((c) => `${c}value`).join(' | ')} |\n\nEnd.` })
    await expectSaved(alice.page)
    expect((await call(suite.app.url, `/api/docs/${docId}/versions`, { method: 'POST', body: { name: 'Wide' } })).status).toBe(201)
    await selectText(alice.page, 'Column9value', { caretOnly: 'end' })
    await alice.page.keyboard.insertText(' more')
    await expectSaved(alice.page)

    await alice.page.getByTestId('history-button').click()
    const dialog = historyDialog(alice.page)
    await dialog.getByTestId('version-list').getByText('Wide').click()
    const inView = () =>
      alice.page.evaluate(() => {
        const current = document.querySelector('.diff-current')
        const box = current?.closest('.tableWrapper')
        if (!current || !box) return null
        const a = current.getBoundingClientRect()
        const b = box.getBoundingClientRect()
        return { text: current.textContent, visible: a.left >= b.left - 1 && a.right <= b.right + 1 && a.right <= window.innerWidth }
      })
    await poll(inView).toEqual({ text: expect.stringContaining('Column9value more'), visible: true })
  })
})
