/**
 * Experience checks: no serious accessibility violations (axe) on the home
 * page, the editor and the AI menus, and a usable editor at phone width.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { ALICE, BOB, announceSkip, useBrowserSuite } from './harness.ts'
import { seriousViolations } from './axeCheck.ts'
import { createDocFromHome, docHtml, editor, expectSaved, openDoc, poll, selectBlock, tid, write } from './pages.ts'

const skip = announceSkip('experience.test.ts')


function pageOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }))
}

describe.skipIf(skip)('experience', () => {
  const suite = useBrowserSuite()

  test('axe finds no serious or critical violations on the home page, the editor, and with the AI menus open', async () => {
    const alice = await suite.person(ALICE)
    const bob = await suite.person(BOB)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await editor(alice.page).click()
    await write(alice.page, 'Accessibility review\nEveryone should be able to use this editor with a keyboard and a screen reader.')
    await openDoc(bob.page, suite.app.url, docId)
    await editor(bob.page).click()

    // The home page with a document in its list.
    await alice.page.goto(suite.app.url)
    await poll(() => alice.page.locator(tid('doc-item')).count()).toBeGreaterThan(0)
    expect(await seriousViolations(alice.page)).toEqual([])

    // The editor, with another person's caret and avatar in it.
    await openDoc(alice.page, suite.app.url, docId)
    await editor(alice.page).click()
    await alice.page.locator('.collaboration-carets__caret').first().waitFor()
    expect(await seriousViolations(alice.page)).toEqual([])

    // The AI command menu, and the prompt step behind "Write with AI…".
    await alice.page.keyboard.press('Control+End')
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.press('Control+j')
    const menu = alice.page.getByTestId('ai-command-menu')
    await menu.getByRole('menuitem').first().waitFor()
    expect(await seriousViolations(alice.page)).toEqual([])
    await alice.page.keyboard.press('Enter')
    await menu.getByRole('textbox').waitFor()
    expect(await seriousViolations(alice.page)).toEqual([])
    await alice.page.keyboard.press('Escape')

    // The "Ask AI" menu on a selection.
    await selectBlock(alice.page, 1)
    await alice.page.keyboard.press('Control+j')
    await alice.page.getByTestId('ai-bubble-menu').getByRole('menuitem').first().waitFor()
    expect(await seriousViolations(alice.page)).toEqual([])
  })

  test('at phone width (375×740) the page does not scroll sideways and the editor and toolbar work', async () => {
    const phone = await suite.person(ALICE, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true })
    await phone.page.goto(suite.app.url)
    await phone.page.getByTestId('doc-list').waitFor()
    expect((await pageOverflow(phone.page)).scrollWidth).toBeLessThanOrEqual(375)

    await createDocFromHome(phone.page, suite.app.url)
    const toolbar = phone.page.getByTestId('toolbar')
    expect(await toolbar.isVisible()).toBe(true)
    const box = await editor(phone.page).boundingBox()
    expect(box).not.toBeNull()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(375)

    await editor(phone.page).tap()
    await write(phone.page, 'On the bus')
    await phone.page.keyboard.press('Enter')
    await phone.page.getByTestId('toolbar-bold').tap()
    await write(phone.page, 'bold from the toolbar')
    await phone.page.getByTestId('toolbar-bulletList').tap()
    await poll(() => docHtml(phone.page)).toBe('<p>On the bus</p><ul><li><p><strong>bold from the toolbar</strong></p></li></ul>')
    await expectSaved(phone.page)

    // Every toolbar control can be brought into view and used, the AI one included.
    const ai = phone.page.getByTestId('toolbar-ai')
    await ai.scrollIntoViewIfNeeded()
    const aiBox = await ai.boundingBox()
    expect(aiBox && aiBox.x >= 0 && aiBox.x + aiBox.width <= 375).toBe(true)
    await ai.tap()
    const menu = phone.page.getByTestId('ai-command-menu')
    await menu.getByRole('menuitem').first().waitFor()
    const menuBox = await menu.boundingBox()
    expect(menuBox && menuBox.x >= 0 && menuBox.x + menuBox.width <= 375).toBe(true)

    const { scrollWidth, clientWidth } = await pageOverflow(phone.page)
    expect(clientWidth).toBe(375)
    expect(scrollWidth).toBeLessThanOrEqual(375)
  })
})
