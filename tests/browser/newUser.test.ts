/**
 * A new team's first afternoon, on a phone as much as at a desk: what the
 * README's "Using the editor" promises, tried the way a person would (a tap,
 * the keyboard alone), where the feature tests left a gap.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { ALICE, announceSkip, useBrowserSuite } from './harness.ts'
import { arrowToToolbarButton, newDocOpen, seriousViolations, tableIn } from './editingPages.ts'
import { editor, focused, poll, write } from './pages.ts'

const skip = announceSkip('newUser.test.ts')

/** How many documents the server's search finds for `q` (its text is indexed about a second after a change). */
async function searchCount(page: Page, baseUrl: string, q: string): Promise<number> {
  const reply = await page.request.get(`${baseUrl}/api/docs?q=${encodeURIComponent(q)}`)
  const body = (await reply.json()) as { docs: unknown[] }
  return body.docs.length
}

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } as const

/** The document's top-level blocks, each as its tag and text. */
function blocks(page: Page): Promise<string[]> {
  return editor(page).evaluate((root) =>
    Array.from(root.children, (block) => {
      const tag = block.querySelector('table') ? 'table' : block.tagName.toLowerCase()
      return `${tag}:${block.textContent ?? ''}`
    }),
  )
}

describe.skipIf(skip)('a new user', () => {
  const suite = useBrowserSuite({ ai: false })

  test('on a phone, a table inserted at the end of the document leaves a line below it to tap and keep writing on', async () => {
    // With no arrow keys, a table that ends the document was a dead end: every tap landed in a cell or above it.
    const alice = await suite.person(ALICE, PHONE)
    await newDocOpen(alice.page, suite.app.url)
    await write(alice.page, 'Plan\n')
    await alice.page.getByTestId('toolbar-table').tap()
    await poll(() => focused(alice.page)).toBe('editor')
    await alice.page.keyboard.type('cost')
    await editor(alice.page).locator(':scope > p').last().tap()
    await alice.page.keyboard.type('after')
    await poll(() => blocks(alice.page)).toEqual(['p:Plan', 'table:cost', 'p:after'])
  })

  test('with the keyboard alone: search from the home page, open the document, reach the toolbar, build a table, add a row from the Table menu and keep typing', async () => {
    const alice = await suite.person(ALICE)
    const { page } = alice
    await newDocOpen(page, suite.app.url)
    await write(page, 'Quokka budget\nCosts below')
    await poll(() => searchCount(page, suite.app.url, 'quokka')).toBe(1)
    await page.goto(suite.app.url)
    await page.getByTestId('doc-list').waitFor()
    while ((await focused(page)) !== 'doc-search') await page.keyboard.press('Tab')
    await page.keyboard.type('quokka')
    await page.getByTestId('doc-results').locator('a').first().waitFor()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await poll(() => focused(page)).toBe('editor')
    await page.keyboard.press('Control+End')
    await page.keyboard.press('Alt+F10')
    await arrowToToolbarButton(page, 'toolbar-table')
    await page.keyboard.press('Enter')
    await poll(() => focused(page)).toBe('editor')
    await page.keyboard.type('a')
    await page.keyboard.press('Tab')
    await page.keyboard.type('b')
    await page.keyboard.press('Alt+F10')
    await arrowToToolbarButton(page, 'toolbar-table-menu')
    await page.keyboard.press('Enter')
    await poll(() => focused(page)).toBe('menuitem')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    // The action done, the keys go back to the cell the person was in.
    await poll(() => focused(page)).toBe('editor')
    await page.keyboard.type('c')
    expect(await tableIn(page)).toEqual([
      ['a', 'bc', ''],
      ['', '', ''],
      ['', '', ''],
      ['', '', ''],
    ])
  })

  for (const [width, options, word] of [['desktop', {}, 'wombat'], ['phone', PHONE, 'numbat']] as const) {
    test(`axe at ${width} width: the home page with the import notice and search results, a missing document, the editor with a task list, the table menu and the link form`, async () => {
      const alice = await suite.person(ALICE, options)
      const { page } = alice
      const found: string[] = []
      const check = async (where: string) => {
        for (const line of await seriousViolations(page)) found.push(`${where}: ${line}`)
      }
      await page.goto(suite.app.url)
      await page.getByTestId('doc-list').waitFor()
      await page.getByTestId('import-input').setInputFiles([
        { name: `${word}.md`, mimeType: 'text/markdown', buffer: Buffer.from(`# ${word} plan\n\n- [ ] dig\n`) },
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain') },
        { name: `${word}2.html`, mimeType: 'text/html', buffer: Buffer.from(`<h1>${word} two</h1>`) },
      ])
      await page.getByTestId('import-notice').waitFor()
      await check('home, import notice')
      await poll(() => searchCount(page, suite.app.url, word)).toBe(2)
      await page.getByTestId('doc-search').fill(word)
      await poll(() => page.getByTestId('doc-results').getAttribute('data-count')).toBe('2')
      await check('home, search results')
      await page.goto(`${suite.app.url}/d/neverExisted123`)
      await page.getByTestId('missing-doc').waitFor()
      await check('missing document')
      await newDocOpen(page, suite.app.url)
      await write(page, 'Chores\n[ ] sweep\nwash')
      await page.getByTestId('toolbar-table').click()
      await poll(() => focused(page)).toBe('editor')
      await page.getByTestId('toolbar-table-menu').click()
      await page.getByTestId('table-menu').waitFor()
      await check('editor, task list and table menu')
      await page.keyboard.press('Escape')
      await editor(page).locator('th').first().click()
      await page.keyboard.type('docs')
      await page.keyboard.press('Shift+Home')
      await page.keyboard.press('Control+k')
      await page.getByTestId('link-href').waitFor()
      await check('editor, link form')
      expect(found).toEqual([])
    })
  }

  test('Esc in the toolbar goes back to the document, to where the caret was', async () => {
    const alice = await suite.person(ALICE)
    const { page } = alice
    await newDocOpen(page, suite.app.url)
    await write(page, 'Title\nfirst line')
    await page.keyboard.press('Alt+F10')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Escape')
    await poll(() => focused(page)).toBe('editor')
    await page.keyboard.type('!')
    expect(await blocks(page)).toEqual(['p:Title', 'p:first line!'])
  })

  test('on a phone, the Table menu comes into view in the toolbar when the caret enters a table', async () => {
    const alice = await suite.person(ALICE, PHONE)
    const { page } = alice
    await newDocOpen(page, suite.app.url)
    await write(page, 'Plan\n')
    await page.getByTestId('toolbar-bold').tap()
    await page.getByTestId('toolbar-table').tap()
    await page.getByTestId('toolbar-table-menu').waitFor()
    // In view: inside the toolbar's box, and not under the AI button that stays at its end.
    await poll(() =>
      page.evaluate(() => {
        const toolbar = document.querySelector('[data-testid="toolbar"]')!.getBoundingClientRect()
        const menu = document.querySelector('[data-testid="toolbar-table-menu"]')!.getBoundingClientRect()
        const ai = document.querySelector('[data-testid="toolbar-ai"]')!.getBoundingClientRect()
        return menu.left >= toolbar.left && menu.right <= ai.left
      }),
    ).toBe(true)
    await page.getByTestId('toolbar-table-menu').tap()
    await page.getByTestId('table-menu').getByRole('menuitem', { name: 'Add row below' }).tap()
    await poll(() => tableIn(page).then((rows) => rows.length)).toBe(4)
  })

  test("on a phone, the link form for an existing link keeps its four actions on one row (Cancel wrapped alone under them)", async () => {
    const alice = await suite.person(ALICE, PHONE)
    const { page } = alice
    await newDocOpen(page, suite.app.url)
    await write(page, 'Notes\nsee docs')
    await page.keyboard.press('Shift+Home')
    await page.keyboard.press('Control+k')
    await page.getByTestId('link-href').fill('example.com/docs')
    await page.getByTestId('link-apply').tap()
    await poll(() => editor(page).locator('a').count()).toBe(1)
    await page.keyboard.press('Control+k')
    await page.getByTestId('link-remove').waitFor()
    const tops = await page.locator('.link-form__actions > *').evaluateAll((actions) => actions.map((action) => Math.round(action.getBoundingClientRect().top)))
    expect(tops).toHaveLength(4)
    expect(new Set(tops).size).toBe(1)
  })

  test('on a phone, the toolbar buttons that scroll under the AI button do not peek out beside it', async () => {
    const alice = await suite.person(ALICE, PHONE)
    const { page } = alice
    await newDocOpen(page, suite.app.url)
    await page.getByTestId('toolbar-table').tap()
    await page.getByTestId('toolbar-table-menu').waitFor()
    // Scroll the toolbar so that the Table menu's label passes by the AI button's right-hand side.
    const strip = await page.evaluate(() => {
      const toolbar = document.querySelector<HTMLElement>('[data-testid="toolbar"]')!
      const ai = toolbar.querySelector('[data-testid="toolbar-ai"]')!.getBoundingClientRect()
      const label = toolbar.querySelector('[data-testid="toolbar-table-menu"] .toolbar__text')!.getBoundingClientRect()
      toolbar.scrollLeft += label.left + 4 - ai.right
      const edge = toolbar.getBoundingClientRect().right
      return { x: Math.ceil(ai.right), y: Math.ceil(ai.top + 6), width: Math.floor(edge - ai.right), height: Math.floor(ai.height - 12) }
    })
    expect(strip.width).toBeGreaterThan(0)
    const png = await page.screenshot({ clip: strip })
    expect(await distinctColors(page, png)).toBe(1)
  })
})

/** How many different colors a PNG holds, read back through a canvas in the page. */
function distinctColors(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (data) => {
    const image = new Image()
    image.src = `data:image/png;base64,${data}`
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = image.width
    canvas.height = image.height
    const context = canvas.getContext('2d')!
    context.drawImage(image, 0, 0)
    const pixels = context.getImageData(0, 0, image.width, image.height).data
    const colors = new Set<string>()
    for (let at = 0; at < pixels.length; at += 4) colors.add(`${pixels[at]},${pixels[at + 1]},${pixels[at + 2]}`)
    return colors.size
  }, png.toString('base64'))
}

