/**
 * Two people writing together in real browsers: live co-editing with
 * carets and avatars, formatting, working offline, and export.
 */
import fs from 'node:fs'
import { describe, expect, test } from 'vitest'
import { ALICE, BOB, SCREENSHOT_VIEWPORT, announceSkip, screenshotPath, useBrowserSuite, type Person } from './harness.ts'
import {
  attr,
  caretAtEndOf,
  connectionState,
  createDocFromHome,
  docHtml,
  docText,
  editor,
  expectConverged,
  expectSaved,
  hexToRgb,
  openDoc,
  poll,
  textOf,
  tid,
} from './pages.ts'

const skip = announceSkip('coEditing.test.ts')

/** The caret another person sees for `who`: its label, and the color of both. */
async function caretOf(viewer: Person, who: Person) {
  const caret = viewer.page.locator('.collaboration-carets__caret', { has: viewer.page.locator('.collaboration-carets__label', { hasText: who.name }) })
  await caret.waitFor()
  return caret.evaluate((el) => ({
    label: el.querySelector('.collaboration-carets__label')?.textContent,
    border: (el as HTMLElement).style.borderColor,
    background: (el.querySelector('.collaboration-carets__label') as HTMLElement | null)?.style.backgroundColor,
  }))
}

/** The avatar row: kind, accessible name and color of each (my own is the identity button's swatch). */
async function avatarsOf(person: Person) {
  return person.page.getByTestId('avatar').evaluateAll((items) =>
    items.map((li) => {
      const swatch = li.querySelector<HTMLElement>('.identity__swatch')
      return {
        kind: li.getAttribute('data-kind'),
        label: li.getAttribute('aria-label') ?? li.querySelector('[data-testid="identity-button"]')?.getAttribute('aria-label'),
        color: (swatch ?? (li as HTMLElement)).style.backgroundColor,
      }
    }),
  )
}

describe.skipIf(skip)('co-editing in the browser', () => {
  const suite = useBrowserSuite()

  test('two people typing at once, in the same and in different paragraphs, end with identical pages and see each other', async () => {
    const alice = await suite.person(ALICE, { viewport: SCREENSHOT_VIEWPORT })
    const bob = await suite.person(BOB)
    // Alice starts from the home page; Bob follows the link she shares.
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await alice.page.getByTestId('copy-link').click()
    await poll(() => attr(alice.page, tid('copy-link'), 'data-state')).toBe('copied')
    const link = await alice.page.evaluate(() => navigator.clipboard.readText())
    expect(link).toBe(`${suite.app.url}/d/${docId}`)
    await bob.page.goto(link)
    await editor(bob.page).waitFor()
    await expectSaved(bob.page)

    await editor(alice.page).click()
    await alice.page.keyboard.type('Shopping list\nAlice:\nBob:', { delay: 5 })
    await poll(() => docText(bob.page)).toBe('Shopping list\nAlice:\nBob:')

    // Different paragraphs, at the same time (each puts the caret in place first).
    await caretAtEndOf(alice.page, 1)
    await caretAtEndOf(bob.page, 2)
    await Promise.all([
      alice.page.keyboard.type(' apples and pears', { delay: 25 }),
      bob.page.keyboard.type(' bread and butter', { delay: 25 }),
    ])
    await expectConverged(alice.page, bob.page)
    // The same paragraph, at the same time: Alice at its end, Bob at its start.
    await caretAtEndOf(alice.page, 0)
    await caretAtEndOf(bob.page, 0)
    await bob.page.keyboard.press('Home')
    await Promise.all([
      alice.page.keyboard.type(' for Saturday', { delay: 25 }),
      bob.page.keyboard.type('Our ', { delay: 25 }),
    ])

    await expectConverged(alice.page, bob.page)
    const expected = 'Our Shopping list for Saturday\nAlice: apples and pears\nBob: bread and butter'
    expect(await docText(alice.page)).toBe(expected)
    expect(await docText(bob.page)).toBe(expected)
    await expectSaved(alice.page)
    await expectSaved(bob.page)

    // Each sees the other's caret, named and in their color.
    expect(await caretOf(bob, alice)).toEqual({ label: ALICE.name, border: hexToRgb(ALICE.color), background: hexToRgb(ALICE.color) })
    expect(await caretOf(alice, bob)).toEqual({ label: BOB.name, border: hexToRgb(BOB.color), background: hexToRgb(BOB.color) })
    // And both avatars: their own, and the other person's.
    expect(await avatarsOf(bob)).toEqual([
      { kind: 'self', label: `You are ${BOB.name}. Change name and color`, color: hexToRgb(BOB.color) },
      { kind: 'person', label: ALICE.name, color: hexToRgb(ALICE.color) },
    ])
    expect(await avatarsOf(alice)).toEqual([
      { kind: 'self', label: `You are ${ALICE.name}. Change name and color`, color: hexToRgb(ALICE.color) },
      { kind: 'person', label: BOB.name, color: hexToRgb(BOB.color) },
    ])
    await poll(() => attr(alice.page, tid('avatars'), 'aria-label')).toBe('2 here, including you')

    await alice.page.screenshot({ path: screenshotPath('co-editing.png') })
  })

  test('formatting from the toolbar and from shortcuts reaches the other person and survives a reload', async () => {
    const alice = await suite.person(ALICE)
    const bob = await suite.person(BOB)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await openDoc(bob.page, suite.app.url, docId)
    const keys = alice.page.keyboard
    const toolbar = (id: string) => alice.page.getByTestId(`toolbar-${id}`).click()

    await editor(alice.page).click()
    await keys.type('Project plan')
    await keys.press('Control+Alt+1') // heading 1
    await keys.press('Enter')
    await keys.type('This is ')
    await keys.press('Control+b')
    await keys.type('important')
    await keys.press('Control+b')
    await keys.type(' and ')
    await toolbar('italic')
    await keys.type('subtle')
    await toolbar('italic')
    await keys.press('Enter')
    await toolbar('bulletList')
    await keys.type('first\nsecond\n\n')
    await keys.press('Control+Shift+7') // numbered list
    await keys.type('one')
    await keys.press('Enter')
    await keys.press('Enter')
    await toolbar('h2')
    await keys.type('Risks')

    const expected =
      '<h1>Project plan</h1>' +
      '<p>This is <strong>important</strong> and <em>subtle</em></p>' +
      '<ul><li><p>first</p></li><li><p>second</p></li></ul>' +
      '<ol><li><p>one</p></li></ol>' +
      '<h2>Risks</h2>'
    expect(await docHtml(alice.page)).toBe(expected)
    await poll(() => docHtml(bob.page)).toBe(expected)
    await poll(() => attr(alice.page, tid('toolbar-h2'), 'aria-pressed')).toBe('true')

    await expectSaved(alice.page)
    await alice.page.reload()
    await editor(alice.page).waitFor()
    await expectSaved(alice.page)
    expect(await docHtml(alice.page)).toBe(expected)
    // Bob's reload has no local edits of his own: the server's copy is what he gets.
    await bob.page.reload()
    await editor(bob.page).waitFor()
    await poll(() => docHtml(bob.page)).toBe(expected)
  })

  test('offline: edits keep being made and kept through a reload, show "Offline", and converge when back', async () => {
    // The offline app shell needs the service worker.
    const alice = await suite.person(ALICE, { serviceWorkers: 'allow' })
    const bob = await suite.person(BOB)
    const docId = await createDocFromHome(alice.page, suite.app.url)
    await openDoc(bob.page, suite.app.url, docId)
    await editor(alice.page).click()
    await alice.page.keyboard.type('Before the outage')
    await poll(() => docText(bob.page)).toBe('Before the outage')
    await expectSaved(alice.page)
    // The page is in the service worker's hands before the network goes.
    await poll(() => alice.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)

    await alice.context.setOffline(true)
    await poll(() => connectionState(alice.page)).toBe('offline')
    await poll(() => textOf(alice.page, tid('connection-status'))).toContain('Offline')
    await alice.page.keyboard.type(', typed on a train')
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.type('A second offline line', { delay: 10 })
    await caretAtEndOf(bob.page, 0)
    await bob.page.keyboard.press('Enter')
    await bob.page.keyboard.type('Bob stayed online', { delay: 10 })

    // Nothing crosses while Alice is cut off, though Bob's line is on the server by now.
    await expectSaved(bob.page)
    expect(await docText(bob.page)).toBe('Before the outage\nBob stayed online')
    expect(await docText(alice.page)).toBe('Before the outage, typed on a train\nA second offline line')

    // A reload without a network: the app shell comes from the service
    // worker, the document from this device's IndexedDB copy.
    await alice.page.reload()
    await editor(alice.page).waitFor()
    await poll(() => docText(alice.page)).toBe('Before the outage, typed on a train\nA second offline line')
    await poll(() => connectionState(alice.page)).toBe('offline')

    await alice.context.setOffline(false)
    await expectConverged(alice.page, bob.page, 20_000)
    const merged = await docText(bob.page)
    expect(merged.split('\n').sort()).toEqual(['A second offline line', 'Before the outage, typed on a train', 'Bob stayed online'])
    await expectSaved(alice.page)
  })

  test('export downloads the document as Markdown and as HTML', async () => {
    const alice = await suite.person(ALICE)
    await createDocFromHome(alice.page, suite.app.url)
    const keys = alice.page.keyboard
    await editor(alice.page).click()
    await keys.type('Quarterly report')
    await keys.press('Control+Alt+1')
    await keys.press('Enter')
    await keys.type('Revenue shows ')
    await keys.press('Control+b')
    await keys.type('steady growth')
    await keys.press('Control+b')
    await keys.type(' & fewer costs.\n')
    await alice.page.getByTestId('toolbar-bulletList').click()
    await keys.type('hire two people')
    // Export reads the server's copy, so wait until everything is stored there.
    await expectSaved(alice.page)

    const download = async (label: string) => {
      await alice.page.getByTestId('export-menu').getByRole('button', { name: 'Export' }).click()
      const [file] = await Promise.all([
        alice.page.waitForEvent('download'),
        alice.page.getByRole('menuitem', { name: new RegExp(label) }).click(),
      ])
      const filePath = await file.path()
      return { name: file.suggestedFilename(), body: fs.readFileSync(filePath, 'utf8') }
    }

    const markdown = await download('Markdown')
    expect(markdown.name).toMatch(/\.md$/)
    expect(markdown.body).toContain('# Quarterly report')
    expect(markdown.body).toContain('Revenue shows **steady growth** & fewer costs.')
    expect(markdown.body).toMatch(/^[-*] hire two people$/m)

    const html = await download('HTML')
    expect(html.name).toMatch(/\.html$/)
    expect(html.body).toContain('<h1>Quarterly report</h1>')
    expect(html.body).toMatch(/<strong>steady growth<\/strong> &(amp|#38|#x26); fewer costs\./)
    expect(html.body).toMatch(/<li>(<p>)?hire two people(<\/p>)?<\/li>/)
  })
})
