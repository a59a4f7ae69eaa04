/**
 * Undo of the header row toggle while a collaborator types in that row
 * (shared/undoRule.ts): in Chromium, with the editor's own undo, his word
 * stays in its cell and the table keeps its three columns on both screens.
 */
import { describe, expect, test } from 'vitest'
import { ALICE, BOB, announceSkip, useBrowserSuite } from './harness.ts'
import { expectConverged, expectSaved, openDoc, poll } from './pages.ts'
import { newDocOpen, paste, selectText, tableIn, tableMenu } from './editingPages.ts'

const skip = announceSkip('headerUndo.test.ts')

describe.skipIf(skip)('undo of a header row toggle', () => {
  const suite = useBrowserSuite({ ai: false })

  test('Alice turns the header row off, Bob types in it, Alice undoes: the header is back with his word, three columns for both', async () => {
    const alice = await suite.person(ALICE)
    const docId = await newDocOpen(alice.page, suite.app.url)
    await paste(alice.page, { 'text/plain': '| Name | Role | Team |\n|---|---|---|\n| Ada | Lead | Core |' })
    await expectSaved(alice.page)
    const bob = await suite.person(BOB)
    await openDoc(bob.page, suite.app.url, docId)
    const headers = (page: typeof alice.page) => page.locator('.ProseMirror th').count()
    expect(await headers(bob.page)).toBe(3)

    await selectText(alice.page, 'Ada', { caretOnly: 'end' })
    await tableMenu(alice.page, 'Header row on/off')
    await poll(() => headers(bob.page)).toBe(0)
    await selectText(bob.page, 'Role', { caretOnly: 'end' })
    await bob.page.keyboard.insertText(' (job)')
    await poll(() => tableIn(alice.page)).toEqual([
      ['Name', 'Role (job)', 'Team'],
      ['Ada', 'Lead', 'Core'],
    ])

    await alice.page.keyboard.press('Control+z')
    await expectConverged(alice.page, bob.page)
    expect(await tableIn(bob.page)).toEqual([
      ['Name', 'Role (job)', 'Team'],
      ['Ada', 'Lead', 'Core'],
    ])
    expect(await headers(bob.page)).toBe(3)
  })
})
