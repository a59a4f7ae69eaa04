/**
 * Finding documents, importing files and unknown links, as a person does
 * them: search by a word of the body, "edited … by", the file picker and
 * drag-and-drop, and a mistyped `/d/<id>` that creates nothing until asked.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { DocListResponse } from '../../shared/apiTypes.ts'
import { seriousViolations } from './axeCheck.ts'
import { ALICE, announceSkip, useBrowserSuite } from './harness.ts'
import { createDocFromHome, docHtml, docText, editor, expectSaved, poll, textOf, tid, write } from './pages.ts'

const skip = announceSkip('documents.test.ts')

describe.skipIf(skip)('documents: search, import, unknown links', () => {
  const suite = useBrowserSuite({ ai: false })

  /** The home page open, its drop target, and a drag holding these files. */
  async function filesToDrop(page: Page, files: Array<{ text: string; name: string; type: string }>) {
    await page.goto(suite.app.url)
    await page.getByTestId('doc-list').waitFor()
    const dataTransfer = await page.evaluateHandle((list) => {
      const dt = new DataTransfer()
      for (const f of list) dt.items.add(new File([f.text], f.name, { type: f.type }))
      return dt
    }, files)
    return { target: page.getByTestId('home-drop'), dataTransfer }
  }
  const api = (path: string, init?: RequestInit) => fetch(`${suite.app.url}${path}`, init)
  const listCount = async () => ((await (await api('/api/docs')).json()) as DocListResponse).docs.length
  const rowOf = (page: Page, id: string) => page.locator(`${tid('doc-item')}[data-doc-id="${id}"]`)

  test('search finds a document by a word of its body; the row says who edited it; Esc clears; axe is clean', async () => {
    const alice = await suite.person(ALICE)
    const id = await createDocFromHome(alice.page, suite.app.url)
    await editor(alice.page).click()
    await write(alice.page, 'Garden plan\nThis year we plant zucchini and tomatoes.')
    await alice.page.goto(suite.app.url)
    await poll(() => rowOf(alice.page, id).textContent()).toContain(`by ${ALICE.name}`)

    const search = alice.page.getByRole('searchbox', { name: 'Search documents' })
    await search.fill('zucch')
    await alice.page.getByTestId('doc-results').waitFor()
    await poll(() => alice.page.getByTestId('doc-results').getAttribute('data-count')).toBe('1')
    expect(await rowOf(alice.page, id).textContent()).toContain('zucchini')
    expect(await alice.page.getByRole('status').filter({ hasText: 'zucch' }).textContent()).toContain('1 document matches')
    expect(await seriousViolations(alice.page)).toEqual([])

    await search.fill('nothing-like-this')
    await poll(() => alice.page.getByTestId('doc-results').getAttribute('data-count')).toBe('0')
    await search.press('Escape')
    expect(await search.inputValue()).toBe('')
    await alice.page.getByTestId('doc-list').waitFor()
    await poll(() => rowOf(alice.page, id).count()).toBe(1)
  })

  test('importing a .md file through the picker opens it with its headings and lists; other files get a clear error', async () => {
    const alice = await suite.person(ALICE)
    await alice.page.goto(suite.app.url)
    await alice.page.getByTestId('doc-list').waitFor()
    const input = alice.page.getByTestId('import-input')
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain') })
    await poll(() => alice.page.getByTestId('home-error').textContent()).toContain("“notes.txt” can't be imported")

    const markdown = '# Trip notes\n\n## Packing\n\n- boots\n- a map\n\n1. book\n2. go\n'
    await input.setInputFiles({ name: 'trip.md', mimeType: 'text/markdown', buffer: Buffer.from(markdown) })
    await alice.page.waitForURL(/\/d\/[^/]+$/)
    await editor(alice.page).waitFor()
    await poll(() => docHtml(alice.page)).toContain('<h1>Trip notes</h1>')
    const html = await docHtml(alice.page)
    expect(html).toContain('<h2>Packing</h2>')
    expect(html).toMatch(/<ul[^>]*>.*boots.*a map.*<\/ul>/s)
    expect(html).toMatch(/<ol[^>]*>.*book.*go.*<\/ol>/s)
  })

  test('dropping an .html file on the list shows the drop target, then imports and opens it', async () => {
    const alice = await suite.person(ALICE)
    const { target, dataTransfer } = await filesToDrop(alice.page, [{ text: '<h1>Dropped page</h1><ul><li>one</li></ul>', name: 'dropped.html', type: 'text/html' }])
    await target.dispatchEvent('dragenter', { dataTransfer })
    await target.dispatchEvent('dragover', { dataTransfer })
    await poll(() => target.getAttribute('class')).toContain('home-column--drop')
    expect(await alice.page.getByText('Drop Markdown or HTML files to import them').isVisible()).toBe(true)
    await target.dispatchEvent('drop', { dataTransfer })
    await alice.page.waitForURL(/\/d\/[^/]+$/)
    await poll(() => docHtml(alice.page)).toContain('<h1>Dropped page</h1>')
  })

  test('dropping several files imports each as a new document and lists them; one that cannot be imported is named', async () => {
    const alice = await suite.person(ALICE)
    const { target, dataTransfer } = await filesToDrop(alice.page, [
      { text: '# Dropped alpha\n\none', name: 'alpha.md', type: 'text/markdown' },
      { text: '<h1>Dropped beta</h1>', name: 'beta.html', type: 'text/html' },
      { text: 'plain', name: 'notes.txt', type: 'text/plain' },
    ])
    await target.dispatchEvent('dragenter', { dataTransfer })
    await target.dispatchEvent('drop', { dataTransfer })
    await poll(() => textOf(alice.page, tid('import-notice'))).toBe('Imported 2 of 3 files as new documents.')
    expect(await alice.page.getByTestId('home-error').textContent()).toContain('“notes.txt” can\'t be imported')
    await poll(async () => (await alice.page.locator(`${tid('doc-item')} .doc-list__title`).allTextContents()).filter((t) => /^Dropped (alpha|beta)$/.test(t)).sort()).toEqual(['Dropped alpha', 'Dropped beta'])
    expect(new URL(alice.page.url()).pathname).toBe('/')
  })

  test('a mistyped link says the document does not exist and creates nothing; Create creates it', async () => {
    const alice = await suite.person(ALICE)
    const before = await listCount()
    await alice.page.goto(`${suite.app.url}/d/Typo-never-made-42`)
    await alice.page.getByRole('heading', { name: "This document doesn't exist" }).waitFor()
    expect(await seriousViolations(alice.page)).toEqual([])
    // Time for anything the page might write to reach the server.
    await alice.page.waitForTimeout(1500)
    expect((await api('/api/docs/Typo-never-made-42')).status).toBe(404)
    expect(await listCount()).toBe(before)
    expect(await alice.page.getByRole('link', { name: 'Go to your documents' }).isVisible()).toBe(true)

    await alice.page.getByTestId('create-missing').click()
    await editor(alice.page).waitFor()
    expect((await api('/api/docs/Typo-never-made-42')).status).toBe(200)
    expect(await listCount()).toBe(before + 1)
  })

  test('Back from a document opened from the results comes back to the same search and order', async () => {
    const res = await api('/api/docs/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ format: 'md', text: '# Flowers\n\nPeriwinkle by the fence' }) })
    const { id } = (await res.json()) as { id: string }
    const alice = await suite.person(ALICE)
    await alice.page.goto(suite.app.url)
    await alice.page.getByTestId('doc-list').waitFor()
    await alice.page.getByTestId('doc-sort').selectOption('title')
    await alice.page.getByRole('searchbox', { name: 'Search documents' }).fill('periw')
    await poll(() => alice.page.getByTestId('doc-results').getAttribute('data-count')).toBe('1')
    await rowOf(alice.page, id).getByRole('link').click()
    await editor(alice.page).waitFor()
    await alice.page.goBack()
    await rowOf(alice.page, id).waitFor()
    expect(await alice.page.getByRole('searchbox', { name: 'Search documents' }).inputValue()).toBe('periw')
    expect(await alice.page.getByTestId('doc-sort').inputValue()).toBe('title')
    expect(await alice.page.getByTestId('doc-results').getAttribute('data-count')).toBe('1')
  })

  test('deleting from the keyboard keeps the place: Cancel goes back to the delete button, Delete on to the next document', async () => {
    const ids: string[] = []
    for (const title of ['Keep one', 'Delete me', 'Keep two']) {
      const res = await api('/api/docs/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ format: 'md', text: `# ${title}\n` }) })
      ids.push(((await res.json()) as { id: string }).id)
    }
    const alice = await suite.person(ALICE)
    await alice.page.goto(suite.app.url)
    await rowOf(alice.page, ids[1]!).waitFor()
    const focusedRow = () => alice.page.evaluate(() => `${document.activeElement?.closest('[data-doc-id]')?.getAttribute('data-doc-id')}:${document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName}`)
    await rowOf(alice.page, ids[1]!).getByTestId('delete-doc').focus()
    await alice.page.keyboard.press('Enter')
    await alice.page.getByRole('dialog').waitFor()
    // Cancel has the focus first.
    await alice.page.keyboard.press('Enter')
    await poll(focusedRow).toBe(`${ids[1]}:delete-doc`)
    await alice.page.keyboard.press('Enter')
    await alice.page.getByTestId('confirm-delete').focus()
    await alice.page.keyboard.press('Enter')
    await poll(() => rowOf(alice.page, ids[1]!).count()).toBe(0)
    // The list is newest first: after "Delete me" comes "Keep one".
    await poll(focusedRow).toBe(`${ids[0]}:A`)
  })

  test('offline: a document kept on this device opens from the list even if the editor was not loaded since the last release; an id with no copy here says so and creates nothing', async () => {
    // The offline app shell needs the service worker.
    const alice = await suite.person(ALICE, { serviceWorkers: 'allow' })
    const id = await createDocFromHome(alice.page, suite.app.url)
    await editor(alice.page).click()
    await write(alice.page, 'Kept here\nfor the train')
    await expectSaved(alice.page)
    // A new release: nothing of the app is in any cache any more (the service worker's, the browser's).
    await alice.page.evaluate(async () => Promise.all((await caches.keys()).map((key) => caches.delete(key))))
    await (await alice.context.newCDPSession(alice.page)).send('Network.clearBrowserCache')
    await alice.page.goto(suite.app.url)
    await rowOf(alice.page, id).waitFor()
    await poll(() => alice.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
    // The home page keeps the editor for offline use.
    const editorCached = () => alice.page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (key) => (await caches.open(key)).keys()))).flat().some((r) => r.url.includes('EditorPage')))
    await poll(editorCached).toBe(true)

    await alice.context.setOffline(true)
    await rowOf(alice.page, id).getByRole('link').click()
    await poll(() => docText(alice.page)).toBe('Kept here\nfor the train')

    await alice.page.goto(`${suite.app.url}/d/Never-made-offline`)
    await alice.page.getByRole('heading', { name: "Can't reach the server" }).waitFor()
    expect(await alice.page.getByTestId('editor').count()).toBe(0)
    expect(await alice.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).not.toContain('Never-made-offline')
    // Back online it asks again by itself: this one was never created.
    await alice.context.setOffline(false)
    await alice.page.getByRole('heading', { name: "This document doesn't exist" }).waitFor()
    expect((await api('/api/docs/Never-made-offline')).status).toBe(404)
  })

  test('a proxy answering for a server that is down (502) is no answer: an id with no copy here does not open an empty editor', async () => {
    const alice = await suite.person(ALICE)
    await alice.page.route('**/api/docs/Behind-a-dead-proxy', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>502 Bad Gateway</h1>' }))
    await alice.page.goto(`${suite.app.url}/d/Behind-a-dead-proxy`)
    await alice.page.getByRole('heading', { name: "Can't reach the server" }).waitFor()
    expect(await alice.page.getByTestId('editor').count()).toBe(0)
    // The server is back: it says this id was never created.
    await alice.page.unroute('**/api/docs/Behind-a-dead-proxy')
    await alice.page.getByRole('heading', { name: "This document doesn't exist" }).waitFor()
  })

  test('with 245 documents the list loads, searches and fits a phone; screenshots at desktop and 375 px', async () => {
    const topics = ['Budget', 'Roadmap', 'Meeting notes', 'Design review', 'Hiring plan', 'Retro']
    await Promise.all(
      Array.from({ length: 245 }, (_, i) =>
        api('/api/docs/import', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ format: 'md', text: `# ${topics[i % topics.length]} ${i + 1}\n\nNotes number ${i + 1} about item${i}.` }),
        }),
      ),
    )
    const alice = await suite.person(ALICE, { viewport: { width: 1100, height: 800 } })
    const started = Date.now()
    await alice.page.goto(suite.app.url)
    await poll(() => alice.page.locator(tid('doc-item')).count()).toBeGreaterThanOrEqual(245)
    expect(Date.now() - started).toBeLessThan(5000)
    const search = alice.page.getByRole('searchbox', { name: 'Search documents' })
    await search.fill('roadmap')
    await poll(() => alice.page.getByTestId('doc-results').getAttribute('data-count')).toBe('41')
    await alice.page.screenshot({ path: '/tmp/home-desktop.png' })

    // From the keyboard: ↓ from the box into the results and down them, ↑ back up to the box.
    const focusedTitle = () => alice.page.evaluate(() => document.activeElement?.querySelector('.doc-list__title')?.textContent ?? document.activeElement?.getAttribute('data-testid'))
    const titles = await alice.page.locator(`${tid('doc-results')} .doc-list__title`).allTextContents()
    await search.press('ArrowDown')
    expect(await focusedTitle()).toBe(titles[0])
    await alice.page.keyboard.press('ArrowDown')
    expect(await focusedTitle()).toBe(titles[1])
    await alice.page.keyboard.press('End')
    expect(await focusedTitle()).toBe(titles.at(-1))
    await alice.page.keyboard.press('Home')
    await alice.page.keyboard.press('ArrowUp')
    expect(await focusedTitle()).toBe('doc-search')

    // Every document has "notes": more match than a search lists, and it says so.
    await search.fill('notes')
    await poll(() => alice.page.getByTestId('doc-results').getAttribute('data-truncated')).toBe('true')
    expect(await alice.page.getByRole('status').filter({ hasText: 'notes' }).textContent()).toContain('More than 50 documents match “notes”')
    // Punctuation alone is no search: it says what a search needs and keeps the list.
    await search.fill('"*')
    await poll(() => textOf(alice.page, tid('search-hint'))).toContain('type a letter or a number')
    await poll(() => alice.page.locator(tid('doc-item')).count()).toBeGreaterThanOrEqual(245)
    await search.fill('roadmap')

    await alice.page.setViewportSize({ width: 375, height: 740 })
    const widths = await alice.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }))
    expect(widths.scroll).toBeLessThanOrEqual(widths.client)
    await alice.page.screenshot({ path: '/tmp/home-phone.png' })
  })
})
