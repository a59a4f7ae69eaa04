/**
 * Version history in the editor (issue 12): the History panel lists the
 * versions, shows what an AI job changed against the version taken before
 * it, restores while a second person watches it happen live, names the
 * current state, and lets a viewer browse without restoring.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { tokenize } from '../support/fakeOpenAI.ts'
import { SECRET, call, tokenFor } from '../security/helpers.ts'
import { ALICE, BOB, announceSkip, screenshotPath, useBrowserSuite } from './harness.ts'
import { seriousViolations } from './axeCheck.ts'
import { openWithToken } from './editingPages.ts'
import { aiPhase, caretAtEndOf, createDocFromHome, docText, editor, expectSaved, focused, openDoc, poll, tid, write } from './pages.ts'

const skip = announceSkip('history.test.ts')

const AI_TEXT = 'The launch party is on the roof.'

function historyDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Version history' })
}

/** The titles in the version list, newest first. */
function versionTitles(page: Page): Promise<string[]> {
  return page.getByTestId('version-list').locator('.version-item__title').allTextContents()
}

/** The comparison's text marked as added (`ins`) and removed (`del`), in the preview. */
function marked(page: Page): Promise<{ added: string[]; removed: string[] }> {
  return page.getByTestId('version-diff').evaluate((root) => ({
    added: Array.from(root.querySelectorAll('ins, .diff-block--added'), (el) => el.textContent ?? ''),
    removed: Array.from(root.querySelectorAll('del, .diff-block--removed'), (el) => el.textContent ?? ''),
  }))
}

describe.skipIf(skip)('version history in the browser', () => {
  const suite = useBrowserSuite()

  test('an AI change shows against the before-AI version; restoring it reaches the second person live; a version gets a name', async () => {
    const alice = await suite.person(ALICE, { viewport: { width: 1200, height: 800 } })
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await write(alice.page, 'Launch plan\nWe ship in May.')
    await expectSaved(alice.page)
    const bob = await suite.person(BOB)
    await openDoc(bob.page, suite.app.url, docId)

    // The AI continues the document; the server keeps a version just before it writes.
    suite.app.fake.script({ tokens: tokenize(`\n\n${AI_TEXT}`, 3) })
    await caretAtEndOf(alice.page, 1)
    await alice.page.keyboard.press('Control+j')
    await alice.page.getByTestId('ai-command-menu').getByRole('menuitem', { name: /Continue writing/ }).click()
    await poll(() => aiPhase(alice.page), 20_000).toBe('finished')
    await alice.page.getByTestId('ai-accept').click()
    await poll(() => docText(bob.page)).toContain(AI_TEXT)

    await alice.page.getByTestId('history-button').click()
    const dialog = historyDialog(alice.page)
    await dialog.waitFor()
    await poll(() => versionTitles(alice.page)).toEqual(['Before an AI edit'])
    // The newest version is selected, and the AI's paragraph is what changed since.
    // (Where the AI wrote, at the end of a paragraph or in one of its own, decides how the block reads; its words are what was added.)
    await poll(async () => {
      const { added, removed } = await marked(alice.page)
      return added.join('').includes(AI_TEXT) && !removed.join('').includes('party')
    }).toBe(true)
    expect(await alice.page.getByTestId('version-summary').textContent()).toMatch(/^Since this version: 1 (added|block changed)\./)
    expect(await seriousViolations(alice.page, tid('history-dialog'))).toEqual([])
    await alice.page.screenshot({ path: screenshotPath('history-inline.png') })

    // Side by side: the version on the left without it, now on the right with it.
    await dialog.getByRole('radio', { name: 'Side by side' }).check()
    const columns = await alice.page.getByTestId('version-diff').evaluate((root) =>
      Array.from(root.querySelectorAll('[role="row"]:not(.version-diff__heads)'), (row) =>
        Array.from(row.querySelectorAll('[role="cell"]'), (cell) => {
          const copy = cell.cloneNode(true) as HTMLElement
          for (const hidden of copy.querySelectorAll('.visually-hidden')) hidden.remove()
          return copy.textContent ?? ''
        }),
      ),
    )
    // The version's side never has the AI's words; now's side has them, and the rows that did not change read the same on both.
    expect(columns.some(([, now]) => now!.includes(AI_TEXT))).toBe(true)
    expect(columns.some(([then]) => then!.includes('party'))).toBe(false)
    expect(columns.filter(([then, now]) => then === now && then !== '').length).toBeGreaterThanOrEqual(1)
    await alice.page.screenshot({ path: screenshotPath('history-side-by-side.png') })

    // Restore: Bob, still in the document, sees the AI's paragraph go.
    await dialog.getByTestId('version-restore').click()
    await poll(() => dialog.getByRole('status').textContent()).toMatch(/^Restored “Before an AI edit”\./)
    await poll(() => docText(bob.page)).toBe('Launch plan\nWe ship in May.')
    await poll(() => alice.page.getByTestId('version-summary').textContent()).toBe('The document is the same as this version.')
    // What the restore replaced is kept, newest first.
    await poll(() => versionTitles(alice.page)).toEqual(['Before restore', 'Before an AI edit'])

    // And restoring that one brings the AI's paragraph back.
    await dialog.getByTestId('version-list').getByText('Before restore').click()
    await poll(async () => {
      const { added, removed } = await marked(alice.page)
      return removed.join('').includes(AI_TEXT) && !added.join('').includes('party')
    }).toBe(true)
    await dialog.getByTestId('version-restore').click()
    await poll(() => docText(bob.page)).toContain(AI_TEXT)

    // Name the current state.
    await dialog.getByTestId('version-name-input').fill('Sent to the client')
    await dialog.getByRole('button', { name: 'Name', exact: true }).click()
    await poll(() => versionTitles(alice.page)).toContain('Sent to the client')
    expect(await dialog.locator('.version-item[aria-current="true"] .version-item__title').textContent()).toBe('Sent to the client')
    await poll(() => alice.page.getByTestId('version-summary').textContent()).toBe('The document is the same as this version.')
    const listed = await call(suite.app.url, `/api/docs/${docId}/versions`)
    expect((listed.body as { versions: Array<{ name: string | null; kind: string }> }).versions[0]).toMatchObject({ name: 'Sent to the client', kind: 'named' })

    // Name an automatic version: it is kept, under its name.
    await dialog.getByTestId('version-list').getByText('Before an AI edit').click()
    await dialog.getByRole('button', { name: 'Name this version' }).click()
    await dialog.getByLabel('Name for this version').fill('Plan without the party')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await poll(() => versionTitles(alice.page)).toEqual(['Sent to the client', 'Before restore', 'Before restore', 'Plan without the party'])

    // The keyboard: arrows move through the list, Enter opens one, Escape closes and gives focus back.
    await dialog.locator('.version-item').first().focus()
    await alice.page.keyboard.press('ArrowDown')
    await alice.page.keyboard.press('Enter')
    expect(await dialog.locator('.version-item[aria-current="true"]').count()).toBe(1)
    await poll(() => dialog.locator('.version-item').nth(1).getAttribute('aria-current')).toBe('true')
    await alice.page.keyboard.press('Escape')
    await poll(() => dialog.isVisible()).toBe(false)
    expect(await focused(alice.page)).toBe('history-button')
  })

  test('while the panel is open, the comparison follows what others type', async () => {
    const alice = await suite.person(ALICE)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await write(alice.page, 'First draft')
    await expectSaved(alice.page)
    expect((await call(suite.app.url, `/api/docs/${docId}/versions`, { method: 'POST', body: { name: 'Draft' } })).status).toBe(201)
    const bob = await suite.person(BOB)
    await openDoc(bob.page, suite.app.url, docId)

    await alice.page.getByTestId('history-button').click()
    await poll(() => alice.page.getByTestId('version-summary').textContent()).toBe('The document is the same as this version.')
    await caretAtEndOf(bob.page, 0)
    await write(bob.page, '\nBob adds a line.')
    await poll(() => marked(alice.page)).toEqual({ added: ['Added since this version: Bob adds a line.'], removed: [] })
  })

  test('a long document opens at its first change, and Next change moves to the one after', async () => {
    const alice = await suite.person(ALICE, { viewport: { width: 1100, height: 700 } })
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await write(alice.page, Array.from({ length: 60 }, (_, i) => `Paragraph number ${i + 1} of a long report.`).join('\n'))
    await expectSaved(alice.page)
    expect((await call(suite.app.url, `/api/docs/${docId}/versions`, { method: 'POST', body: { name: 'Long' } })).status).toBe(201)
    await caretAtEndOf(alice.page, 39)
    await write(alice.page, ' Edited far down.')
    await caretAtEndOf(alice.page, 54)
    await write(alice.page, ' And further.')
    await expectSaved(alice.page)

    await alice.page.getByTestId('history-button').click()
    const dialog = historyDialog(alice.page)
    await poll(() => dialog.locator('.change-nav__where').textContent()).toBe('Change 1 of 2')
    const inView = () =>
      alice.page.evaluate(() => {
        const current = document.querySelector('.diff-current')
        const pane = document.querySelector('.history-preview')!.getBoundingClientRect()
        if (!current) return null
        const box = current.getBoundingClientRect()
        return { text: current.textContent, visible: box.top >= pane.top && box.bottom <= pane.bottom }
      })
    await poll(inView).toEqual({ text: expect.stringContaining('Paragraph number 40 of a long report. Edited far down.'), visible: true })
    await dialog.getByRole('button', { name: 'Next change' }).click()
    await poll(inView).toEqual({ text: expect.stringContaining('Paragraph number 55 of a long report. And further.'), visible: true })
    expect(await dialog.locator('.change-nav__where').textContent()).toBe('Change 2 of 2')
  })

  test('at phone width the list and the version take the screen in turn, without sideways scrolling', async () => {
    const alice = await suite.person(ALICE, { viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true })
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await write(alice.page, 'Pocket notes\nA line to compare.')
    await expectSaved(alice.page)
    expect((await call(suite.app.url, `/api/docs/${docId}/versions`, { method: 'POST', body: { name: 'On the train' } })).status).toBe(201)
    await write(alice.page, ' And more.')

    await alice.page.getByTestId('history-button').click()
    const dialog = historyDialog(alice.page)
    await dialog.getByTestId('version-list').getByText('On the train').click()
    await poll(() => dialog.getByTestId('version-preview').isVisible()).toBe(true)
    expect(await dialog.getByTestId('version-list').isVisible()).toBe(false)
    await poll(() => marked(alice.page)).toEqual({ added: [' And more.'], removed: [] })
    const widths = await dialog.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
    expect(widths.scroll).toBeLessThanOrEqual(widths.client)
    await alice.page.screenshot({ path: screenshotPath('history-phone.png') })
    await dialog.getByRole('button', { name: 'All versions' }).click()
    await poll(() => dialog.getByTestId('version-list').isVisible()).toBe(true)
  })
})

describe.skipIf(skip)('version history with access control', () => {
  const suite = useBrowserSuite({ ai: false, env: { AUTH_SECRET: SECRET } })

  test('a viewer browses versions and copies their text, but is not offered Restore and the server refuses it', async () => {
    const editorToken = await tokenFor('*', 'editor', { name: 'Alice' })
    const created = await call(suite.app.url, '/api/docs', { method: 'POST', token: editorToken, body: {} })
    const docId = (created.body as { id: string }).id
    const alice = await suite.person(ALICE)
    await openWithToken(alice.page, suite.app.url, docId, editorToken)
    await editor(alice.page).click()
    await write(alice.page, 'Budget\nTen thousand.')
    await expectSaved(alice.page)
    const named = await call(suite.app.url, `/api/docs/${docId}/versions`, { method: 'POST', token: editorToken, body: { name: 'Approved' } })
    expect(named.status).toBe(201)

    const viewerToken = await tokenFor(docId, 'viewer', { name: 'Bob' })
    const bob = await suite.person(BOB)
    await bob.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await openWithToken(bob.page, suite.app.url, docId, viewerToken)
    await bob.page.getByTestId('history-button').click()
    const dialog = historyDialog(bob.page)
    await poll(() => versionTitles(bob.page)).toEqual(['Approved'])
    await poll(() => bob.page.getByTestId('version-summary').textContent()).toBe('The document is the same as this version.')
    expect(await dialog.getByTestId('version-restore').count()).toBe(0)
    expect(await dialog.getByTestId('version-restore-note').textContent()).toMatch(/not restore/)
    expect(await dialog.getByTestId('version-name-input').count()).toBe(0)
    expect(await dialog.getByRole('button', { name: 'Delete…' }).count()).toBe(0)
    await dialog.getByRole('button', { name: 'Copy text' }).click()
    await poll(() => dialog.getByRole('status').textContent()).toMatch(/^Copied/)
    expect(await bob.page.evaluate(() => navigator.clipboard.readText())).toBe('Budget\n\nTen thousand.\n')
    expect(await seriousViolations(bob.page, tid('history-dialog'))).toEqual([])

    const refused = await call(suite.app.url, `/api/docs/${docId}/versions/${(named.body as { id: string }).id}/restore`, { method: 'POST', token: viewerToken })
    expect(refused.status).toBe(403)
  })
})
