/**
 * Rich editing in real browsers, with a second person watching: links
 * (Ctrl+K, the link card and form), task lists ticked by two people at
 * once, tables built from the keyboard, Markdown and HTML pastes, a viewer's
 * read-only ticks, accessibility with the new popovers open, and a phone's
 * width with a wide table.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { SECRET, call, tokenFor } from '../security/helpers.ts'
import { ALICE, BOB, SCREENSHOT_VIEWPORT, announceSkip, screenshotPath, useBrowserSuite } from './harness.ts'
import { arrowToToolbarButton, linksIn, newDocOpen, openWithToken, pageWidths, paste, selectText, seriousViolations, tableIn, tasksIn } from './editingPages.ts'
import { attr, connectionState, docHtml, docText, editor, expectConverged, expectSaved, focused, openDoc, poll, textOf, tid, write } from './pages.ts'

const skip = announceSkip('editing.test.ts')

const MARKDOWN = [
  '# Launch plan',
  '',
  'Read [the brief](https://example.com/brief) **first**.',
  '',
  '- design',
  '- build',
  '',
  '- [ ] book the room',
  '- [x] invite people',
  '',
  '> ship it',
  '',
  '```',
  'npm test',
  '```',
  '',
  '| Item | Cost |',
  '| --- | --- |',
  '| Tea | 3 |',
].join('\n')

function popoverMode(page: Page): Promise<string | null> {
  return attr(page, tid('link-popover'), 'data-mode')
}

/** What the document shows, as element counts: enough to tell formatted from plain. */
function structure(page: Page) {
  return editor(page).evaluate((root) => ({
    h1: root.querySelectorAll('h1').length,
    bullets: root.querySelectorAll('ul:not([data-type]) > li').length,
    tasks: root.querySelectorAll('ul[data-type="taskList"] > li').length,
    quotes: root.querySelectorAll('blockquote').length,
    code: root.querySelectorAll('pre').length,
    tables: root.querySelectorAll('table').length,
    links: Array.from(root.querySelectorAll('a'), (a) => a.getAttribute('href')),
  }))
}

describe.skipIf(skip)('editing in the browser', () => {
  const suite = useBrowserSuite({ ai: false })

  /** Alice on a new document with `text` written in it, and Bob, who has not opened it yet. */
  async function aliceWrites(text: string) {
    const alice = await suite.person(ALICE, { viewport: SCREENSHOT_VIEWPORT })
    const bob = await suite.person(BOB)
    const docId = await newDocOpen(alice.page, suite.app.url)
    await write(alice.page, text)
    return { alice, bob, docId }
  }

  test('Ctrl+K links a selection, the popover edits and removes it, a javascript: address is refused, and the other person sees each step', async () => {
    const { alice, bob, docId } = await aliceWrites('Reading list\nRead the guide today')
    await openDoc(bob.page, suite.app.url, docId)

    // A selection, Ctrl+K, a bare host name, Enter.
    await selectText(alice.page, 'guide')
    await alice.page.keyboard.press('Control+k')
    await poll(() => popoverMode(alice.page)).toBe('edit')
    expect(await focused(alice.page)).toBe('link-href')
    await alice.page.keyboard.type('example.com/guide')
    await alice.page.keyboard.press('Enter')
    await poll(() => popoverMode(alice.page)).toBe(null)
    await poll(() => focused(alice.page)).toBe('editor')
    const first = [{ text: 'guide', href: 'https://example.com/guide', target: '_blank', rel: 'noopener noreferrer nofollow' }]
    expect(await linksIn(alice.page)).toEqual(first)
    await poll(() => linksIn(bob.page)).toEqual(first)

    // The caret in the link shows its card: the address, Open in a new tab, Edit, Remove.
    await selectText(alice.page, 'gui', { caretOnly: 'end' })
    await poll(() => popoverMode(alice.page)).toBe('view')
    const open = alice.page.getByTestId('link-open')
    expect(await open.getAttribute('href')).toBe('https://example.com/guide')
    expect(await open.getAttribute('target')).toBe('_blank')
    expect(await open.getAttribute('rel')).toBe('noopener noreferrer')
    await poll(() => focused(alice.page)).toBe('editor')
    await alice.page.screenshot({ path: screenshotPath('link-card.png') })

    // Edit from the card: the whole link changes, not just the part before the caret.
    await alice.page.getByTestId('link-edit').click()
    await poll(() => popoverMode(alice.page)).toBe('edit')
    expect(await alice.page.getByTestId('link-href').inputValue()).toBe('https://example.com/guide')
    // The form can open the link too (keyboard users reach it with Ctrl+K, not the card).
    const formOpen = alice.page.getByTestId('link-form-open')
    expect([await formOpen.getAttribute('href'), await formOpen.getAttribute('target'), await formOpen.getAttribute('rel')]).toEqual([
      'https://example.com/guide',
      '_blank',
      'noopener noreferrer',
    ])
    await alice.page.getByTestId('link-href').fill('https://example.org/new-guide')
    await alice.page.keyboard.press('Enter')
    const edited = [{ ...first[0]!, href: 'https://example.org/new-guide' }]
    await poll(() => linksIn(alice.page)).toEqual(edited)
    await poll(() => linksIn(bob.page)).toEqual(edited)

    // A javascript: address is refused in place, and nothing changes.
    await selectText(alice.page, 'gui', { caretOnly: 'end' })
    await alice.page.keyboard.press('Control+k')
    await alice.page.getByTestId('link-href').fill('javascript:alert(document.cookie)')
    await alice.page.keyboard.press('Enter')
    await poll(() => textOf(alice.page, tid('link-error'))).toBe('Only web (http, https) and email (mailto) addresses can be linked.')
    expect(await attr(alice.page, tid('link-href'), 'aria-invalid')).toBe('true')
    await alice.page.screenshot({ path: screenshotPath('link-refused.png') })
    expect(await linksIn(alice.page)).toEqual(edited)
    // Escape closes the form and gives the document its focus back, the caret still in the link.
    await alice.page.keyboard.press('Escape')
    await poll(() => popoverMode(alice.page)).toBe('view')
    await poll(() => focused(alice.page)).toBe('editor')

    // Remove from the card: the text stays, the link goes, for both.
    await alice.page.getByTestId('link-card-remove').click()
    await poll(() => linksIn(alice.page)).toEqual([])
    await poll(() => linksIn(bob.page)).toEqual([])
    expect(await docText(bob.page)).toBe('Reading list\nRead the guide today')

    // Ctrl+K with nothing selected: an address and, if wanted, its text, inserted at the caret.
    await selectText(alice.page, 'today', { caretOnly: 'end' })
    await alice.page.keyboard.press('Control+k')
    await alice.page.getByTestId('link-href').fill('ann@example.com')
    await alice.page.getByTestId('link-text').fill(' (ask Ann)')
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.type('!')
    const mail = [{ text: ' (ask Ann)', href: 'mailto:ann@example.com', target: '_blank', rel: 'noopener noreferrer nofollow' }]
    await poll(() => linksIn(bob.page)).toEqual(mail)
    await poll(() => docText(bob.page)).toBe('Reading list\nRead the guide today (ask Ann)!')

    // On a phone the card and the form fit the screen.
    const phone = await suite.person(BOB, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true })
    await openDoc(phone.page, suite.app.url, docId)
    await selectText(phone.page, 'ask', { caretOnly: 'end' })
    await poll(() => popoverMode(phone.page)).toBe('view')
    const fits = async () => {
      const box = await phone.page.getByTestId('link-popover').boundingBox()
      return box !== null && box.x >= 0 && box.x + box.width <= 375 && (await pageWidths(phone.page)).scrollWidth <= 375
    }
    expect(await fits()).toBe(true)
    await phone.page.getByTestId('link-edit').tap()
    await poll(() => popoverMode(phone.page)).toBe('edit')
    expect(await fits()).toBe(true)
    await phone.page.screenshot({ path: screenshotPath('link-form-phone.png') })
  })

  test('two people tick boxes in one task list at once, different items and the same one, and converge, also after a reload', async () => {
    const { alice, bob, docId } = await aliceWrites('Chores\n')
    // Markdown as typed: "- " makes a bullet, "[ ] " turns it into a task; "[x] " in the next item ticks it.
    await alice.page.keyboard.type('- [ ] wash up', { delay: 10 })
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.type('buy bread', { delay: 10 })
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.type('[x] water plants', { delay: 10 })
    // Out of the list, then "[ ] " at the start of a plain paragraph (TaskItem's own rule).
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.type('[ ] call Ann', { delay: 10 })
    const typed = (await tasksIn(alice.page)).map(({ text, checked }) => ({ text, checked }))
    expect(typed).toEqual([
      { text: 'wash up', checked: false },
      { text: 'buy bread', checked: false },
      { text: 'water plants', checked: true },
      { text: 'call Ann', checked: false },
    ])
    expect((await tasksIn(alice.page))[0]?.label).toBe('Task item checkbox for wash up')
    await openDoc(bob.page, suite.app.url, docId)
    await expectConverged(alice.page, bob.page)

    const box = (page: Page, index: number) => page.locator('ul[data-type="taskList"] > li > label > input').nth(index)
    // "At the same moment", made exact: Bob clicks while his page cannot
    // hear Alice's clicks, so neither sees the other's before clicking.
    await bob.context.setOffline(true)
    await poll(() => connectionState(bob.page)).toBe('offline')
    // Different items, and the same item: both untick "water plants".
    await box(alice.page, 0).click()
    await box(bob.page, 1).click()
    await box(alice.page, 2).click()
    await box(bob.page, 2).click()
    await bob.context.setOffline(false)
    const ticks = (page: Page) => tasksIn(page).then((tasks) => tasks.map((task) => task.checked))
    const expected = [true, true, false, false]
    await poll(() => ticks(alice.page)).toEqual(expected)
    await poll(() => ticks(bob.page)).toEqual(expected)
    await expectConverged(alice.page, bob.page)
    await expectSaved(alice.page)
    await expectSaved(bob.page)

    await Promise.all([alice.page.reload(), bob.page.reload()])
    await Promise.all([editor(alice.page).waitFor(), editor(bob.page).waitFor()])
    await poll(() => ticks(alice.page)).toEqual(expected)
    await poll(() => ticks(bob.page)).toEqual(expected)
  })

  test('a table built from the keyboard: the toolbar inserts it, Tab moves between cells, the table menu adds a row and a column; the other person sees it, and a phone scrolls only the table', async () => {
    const { alice, bob, docId } = await aliceWrites('Budget\n')

    // Alt+F10 reaches the toolbar; arrows move along it; Enter presses.
    await alice.page.keyboard.press('Alt+F10')
    expect(await alice.page.evaluate(() => document.activeElement?.closest('[role="toolbar"]') !== null)).toBe(true)
    await arrowToToolbarButton(alice.page, 'toolbar-table')
    await alice.page.keyboard.press('Enter')
    await poll(() => tableIn(alice.page)).toEqual([
      ['', '', ''],
      ['', '', ''],
      ['', '', ''],
    ])
    await poll(() => focused(alice.page)).toBe('editor')
    for (const [index, cell] of ['Item', 'Cost', 'Note', 'Tea', '3', 'hot', 'Cake', '5'].entries()) {
      if (index > 0) await alice.page.keyboard.press('Tab')
      await alice.page.keyboard.type(cell)
    }
    // Tab in the last cell adds a row.
    await alice.page.keyboard.press('Tab')
    await alice.page.keyboard.type('sweet')
    await alice.page.keyboard.press('Tab')
    await alice.page.keyboard.type('Milk')
    expect(await tableIn(alice.page)).toEqual([
      ['Item', 'Cost', 'Note'],
      ['Tea', '3', 'hot'],
      ['Cake', '5', 'sweet'],
      ['Milk', '', ''],
    ])
    expect(await editor(alice.page).locator('table tr').first().locator('th').count()).toBe(3)

    // The table menu from the keyboard: Alt+F10, arrow to "Table", Enter opens it with focus on its first item.
    await alice.page.keyboard.press('Alt+F10')
    await arrowToToolbarButton(alice.page, 'toolbar-table-menu')
    await alice.page.keyboard.press('Enter')
    const menu = alice.page.getByTestId('table-menu')
    await menu.waitFor()
    expect(await alice.page.evaluate(() => document.activeElement?.textContent)).toBe('Add row above')
    await alice.page.keyboard.press('ArrowDown')
    await alice.page.keyboard.press('Enter')
    await poll(() => menu.count()).toBe(0)
    await poll(() => focused(alice.page)).toBe('editor')
    // The caret stays where it was (after "Milk"); the new row is the one below.
    await alice.page.keyboard.press('ArrowDown')
    await alice.page.keyboard.type('Jam')
    await alice.page.keyboard.press('Tab')
    await alice.page.keyboard.press('Tab')
    await alice.page.getByTestId('toolbar-table-menu').click()
    await menu.getByRole('menuitem', { name: 'Add column after' }).click()
    // Focus goes back to the document on the next frame; a key pressed before it would go to the page.
    await poll(() => focused(alice.page)).toBe('editor')
    await alice.page.keyboard.press('Tab')
    await alice.page.keyboard.type('a long note that makes the table wider than any phone')
    const table = [
      ['Item', 'Cost', 'Note', ''],
      ['Tea', '3', 'hot', ''],
      ['Cake', '5', 'sweet', ''],
      ['Milk', '', '', ''],
      ['Jam', '', '', 'a long note that makes the table wider than any phone'],
    ]
    await poll(() => tableIn(alice.page)).toEqual(table)
    await openDoc(bob.page, suite.app.url, docId)
    await poll(() => tableIn(bob.page)).toEqual(table)
    await expectConverged(alice.page, bob.page)
    await alice.page.getByTestId('toolbar-table-menu').click()
    await menu.waitFor()
    await alice.page.screenshot({ path: screenshotPath('table-menu.png') })
    await alice.page.keyboard.press('Escape')
    await poll(() => menu.count()).toBe(0)

    // At 375 px the table scrolls inside its own box; the page does not scroll sideways.
    const phone = await suite.person(BOB, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true })
    await openDoc(phone.page, suite.app.url, docId)
    await poll(() => tableIn(phone.page)).toEqual(table)
    const widths = await pageWidths(phone.page)
    expect(widths.innerWidth).toBe(375)
    expect(widths.scrollWidth).toBeLessThanOrEqual(375)
    const box = await editor(phone.page).locator('.tableWrapper').evaluate((wrapper) => ({ scrollWidth: wrapper.scrollWidth, clientWidth: wrapper.clientWidth }))
    expect(box.scrollWidth).toBeGreaterThan(box.clientWidth)
    await phone.page.screenshot({ path: screenshotPath('table-phone.png') })
    // The table menu is in reach on a phone too, and fits on its screen.
    await editor(phone.page).locator('td', { hasText: 'Tea' }).tap()
    const menuButton = phone.page.getByTestId('toolbar-table-menu')
    await menuButton.scrollIntoViewIfNeeded()
    await menuButton.tap()
    const menuBox = await phone.page.getByTestId('table-menu').boundingBox()
    expect(menuBox && menuBox.x >= 0 && menuBox.x + menuBox.width <= 375).toBe(true)
    expect((await pageWidths(phone.page)).scrollWidth).toBeLessThanOrEqual(375)
    await phone.page.screenshot({ path: screenshotPath('table-menu-phone.png') })
  })

  test('pasted Markdown arrives formatted in one undo step, while prose and code-block pastes stay text; hostile HTML keeps bold but loses scripts and javascript: links', async () => {
    const { alice, bob, docId } = await aliceWrites('Notes\n')
    await openDoc(bob.page, suite.app.url, docId)
    await editor(alice.page).click()
    await alice.page.keyboard.press('Control+End')
    // Past the undo manager's grouping window, so the paste is its own step.
    await alice.page.waitForTimeout(700)

    await paste(alice.page, { 'text/plain': MARKDOWN })
    const formatted = { h1: 1, bullets: 2, tasks: 2, quotes: 1, code: 1, tables: 1, links: ['https://example.com/brief'] }
    await poll(() => structure(alice.page)).toEqual(formatted)
    await poll(() => structure(bob.page)).toEqual(formatted)
    await expectConverged(alice.page, bob.page)
    expect(await editor(alice.page).locator('ul[data-type="taskList"] > li[data-checked="true"] > div').textContent()).toBe('invite people')
    await alice.page.screenshot({ path: screenshotPath('markdown-paste.png'), fullPage: true })

    // One Ctrl+Z takes the whole paste back, for both.
    await alice.page.keyboard.press('Control+z')
    await poll(() => docHtml(alice.page)).toBe('<p>Notes</p><p></p>')
    await poll(() => docHtml(bob.page)).toBe('<p>Notes</p><p></p>')

    // A code editor's copy: coloured spans around the same text count as text.
    const vscodeHtml = `<meta charset='utf-8'><div style="color: #cccccc;white-space: pre;"><div><span style="color: #569cd6;"># Heading</span></div><div><span>- item</span></div></div>`
    await paste(alice.page, { 'text/plain': '# Heading\n- item', 'text/html': vscodeHtml })
    await poll(() => docHtml(alice.page)).toBe('<p>Notes</p><h1>Heading</h1><ul><li><p>item</p></li></ul>')
    await alice.page.keyboard.press('Control+z')
    await poll(() => docHtml(alice.page)).toBe('<p>Notes</p><p></p>')

    // The real clipboard: Ctrl+V converts; Ctrl+Shift+V, paste as plain text, keeps the Markdown as written.
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await alice.page.evaluate(() => navigator.clipboard.writeText('# Heading\n- item'))
    await alice.page.keyboard.press('Control+Shift+v')
    await poll(() => docHtml(alice.page)).toBe('<p>Notes</p><p># Heading</p><p>- item</p>')
    await alice.page.keyboard.press('Control+z')
    await poll(() => docHtml(alice.page)).toBe('<p>Notes</p><p></p>')
    await alice.page.keyboard.press('Control+v')
    await poll(() => docHtml(alice.page)).toBe('<p>Notes</p><h1>Heading</h1><ul><li><p>item</p></li></ul>')
    await alice.page.keyboard.press('Control+z')
    await poll(() => docHtml(alice.page)).toBe('<p>Notes</p><p></p>')

    // Prose stays prose; inside a code block even Markdown stays literal.
    await paste(alice.page, { 'text/plain': 'Dear Ann,\nthanks for 2 * 3 apples.' })
    await poll(() => docHtml(alice.page)).toBe('<p>Notes</p><p>Dear Ann,</p><p>thanks for 2 * 3 apples.</p>')
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.type('``` ')
    await paste(alice.page, { 'text/plain': '# not a heading\n- not a list' })
    await poll(() => docHtml(alice.page)).toBe('<p>Notes</p><p>Dear Ann,</p><p>thanks for 2 * 3 apples.</p><pre><code># not a heading\n- not a list</code></pre>')
    await alice.page.keyboard.press('Control+Alt+c')

    // Someone else's page: formatting the schema knows comes in, the rest does not.
    await alice.page.keyboard.press('Control+End')
    await alice.page.keyboard.press('Enter')
    const hostile = [
      '<p style="position:fixed;inset:0;background:red">Safe <strong>bold</strong> ',
      '<a href="javascript:window.__pwned=1">click me</a> ',
      '<a href="https://example.com/ok" target="_self" rel="opener" class="popover">fine</a></p>',
      '<script>window.__pwned = 2</script><style>body { display: none }</style>',
      '<iframe src="https://example.com"></iframe><img src="x" onerror="window.__pwned = 3">',
    ].join('')
    await paste(alice.page, { 'text/html': hostile, 'text/plain': 'Safe bold click me fine' })
    await poll(() => editor(alice.page).locator('strong', { hasText: 'bold' }).count()).toBe(1)
    for (const page of [alice.page, bob.page]) {
      await poll(() => docText(page)).toContain('Safe bold click me fine')
      expect(await linksIn(page)).toEqual([{ text: 'fine', href: 'https://example.com/ok', target: '_blank', rel: 'noopener noreferrer nofollow' }])
      const leftovers = await editor(page).evaluate((root) => ({
        elements: root.querySelectorAll('script, style, iframe, img:not(.ProseMirror-separator), [style*="fixed"], .popover').length,
        pwned: (window as Window & { __pwned?: number }).__pwned ?? null,
        bodyShown: getComputedStyle(document.body).display !== 'none',
      }))
      expect(leftovers).toEqual({ elements: 0, pwned: null, bodyShown: true })
    }
    await expectConverged(alice.page, bob.page)
  })

  test('axe finds no serious or critical violations with a task list, the link card and form, and the table menu open', async () => {
    const { alice } = await aliceWrites('Review\n')
    await paste(alice.page, { 'text/plain': MARKDOWN })
    await poll(() => structure(alice.page).then((found) => found.tables)).toBe(1)
    expect(await seriousViolations(alice.page)).toEqual([])

    await selectText(alice.page, 'the bri', { caretOnly: 'end' })
    await poll(() => popoverMode(alice.page)).toBe('view')
    expect(await seriousViolations(alice.page)).toEqual([])
    await alice.page.keyboard.press('Control+k')
    await poll(() => popoverMode(alice.page)).toBe('edit')
    await alice.page.getByTestId('link-href').fill('javascript:void(0)')
    await alice.page.keyboard.press('Enter')
    await alice.page.getByTestId('link-error').waitFor()
    expect(await seriousViolations(alice.page)).toEqual([])
    await alice.page.keyboard.press('Escape')

    await selectText(alice.page, 'Tea', { caretOnly: 'end' })
    await alice.page.getByTestId('toolbar-table-menu').click()
    await alice.page.getByTestId('table-menu').waitFor()
    expect(await seriousViolations(alice.page)).toEqual([])
    await alice.page.screenshot({ path: screenshotPath('editing-desktop.png'), fullPage: true })
  })
})

describe.skipIf(skip)('editing with access control on', () => {
  const suite = useBrowserSuite({ ai: false, env: { AUTH_SECRET: SECRET } })

  test('a viewer sees the ticks, each box labelled, but cannot change them', async () => {
    const created = await call(suite.app.url, '/api/docs', { method: 'POST', token: await tokenFor('*', 'editor'), body: {} })
    const docId = (created.body as { id: string }).id
    const alice = await suite.person(ALICE)
    const bob = await suite.person(BOB)
    await openWithToken(alice.page, suite.app.url, docId, await tokenFor(docId, 'owner', { name: 'Alice' }))
    await editor(alice.page).click()
    await write(alice.page, 'Trip')
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.type('[ ] tickets', { delay: 10 })
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.type('[x] passport', { delay: 10 })
    await expectSaved(alice.page)

    await openWithToken(bob.page, suite.app.url, docId, await tokenFor(docId, 'viewer', { name: 'Bob' }))
    await bob.page.getByTestId('read-only').waitFor()
    const seen = [
      { text: 'tickets', checked: false, disabled: true, label: 'Task item checkbox for tickets' },
      { text: 'passport', checked: true, disabled: true, label: 'Task item checkbox for passport' },
    ]
    await poll(() => tasksIn(bob.page)).toEqual(seen)
    // Screen readers get the same: a named checkbox, announced as unavailable.
    const first = bob.page.getByRole('checkbox', { name: 'Task item checkbox for tickets' })
    expect(await first.isDisabled()).toBe(true)
    // A click (forced past the disabled state) and the keyboard change nothing, for him or for Alice.
    await first.click({ force: true })
    await first.focus().catch(() => undefined)
    await bob.page.keyboard.press('Space')
    // Nor does Ctrl+Enter, which ticks the task at the caret for someone who may edit.
    await editor(bob.page).getByText('tickets', { exact: true }).click()
    await bob.page.keyboard.press('Control+Enter')
    await bob.page.waitForTimeout(300)
    expect(await tasksIn(bob.page)).toEqual(seen)
    expect((await tasksIn(alice.page)).map((task) => task.checked)).toEqual([false, true])
    // Alice ticks, Bob sees it.
    await alice.page.locator('ul[data-type="taskList"] > li > label > input').first().click()
    await poll(() => tasksIn(bob.page).then((tasks) => tasks.map((task) => task.checked))).toEqual([true, true])
  })
})
