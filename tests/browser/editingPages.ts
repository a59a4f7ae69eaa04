/**
 * What the editing tests read from and do to a page, beyond pages.ts: links
 * as rendered, task boxes, tables, and pastes as the browser delivers them.
 */
import type { Page } from 'playwright-core'
import { call } from '../security/helpers.ts'
import { editor, expectSaved, focused, openDoc, poll, tid } from './pages.ts'

export interface RenderedLink {
  text: string
  href: string | null
  target: string | null
  rel: string | null
}

/** Every link in the document as the browser renders it (others' carets, with their names, taken out of the text). */
export function linksIn(page: Page): Promise<RenderedLink[]> {
  return editor(page).evaluate((root) =>
    Array.from(root.querySelectorAll('a'), (a) => ({
      text: Array.from(a.childNodes, (node) => (node instanceof Element && node.matches('.collaboration-carets__caret') ? '' : (node.textContent ?? ''))).join(''),
      href: a.getAttribute('href'),
      target: a.getAttribute('target'),
      rel: a.getAttribute('rel'),
    })),
  )
}

/** The task items' text and ticks, in document order. */
export function tasksIn(page: Page): Promise<{ text: string; checked: boolean; disabled: boolean; label: string | null }[]> {
  return editor(page).evaluate((root) =>
    Array.from(root.querySelectorAll<HTMLElement>('ul[data-type="taskList"] > li'), (item) => {
      // Other people's carets carry their names inside the text.
      const withoutCarets = (element: Element | null) => {
        const copy = element?.cloneNode(true) as HTMLElement | undefined
        for (const caret of copy?.querySelectorAll('.collaboration-carets__caret') ?? []) caret.remove()
        return copy?.textContent ?? ''
      }
      const box = item.querySelector<HTMLInputElement>(':scope > label > input[type="checkbox"]')
      return {
        // The item's own line, not the tasks nested under it.
        text: withoutCarets(item.querySelector(':scope > div > :first-child')),
        checked: box?.checked ?? false,
        disabled: box?.disabled ?? false,
        label: box?.getAttribute('aria-label') ?? null,
      }
    }),
  )
}

/** The cells' text, row by row, of the `index`-th table. */
export function tableIn(page: Page, index = 0): Promise<string[][]> {
  return editor(page).evaluate(
    (root, at) =>
      Array.from(root.querySelectorAll('table')[at]?.querySelectorAll('tr') ?? [], (row) =>
        Array.from(row.querySelectorAll('th, td'), (cell) => {
          const copy = cell.cloneNode(true) as HTMLElement
          for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove()
          return copy.textContent ?? ''
        }),
      ),
    index,
  )
}

/**
 * A paste as the browser delivers it: a ClipboardEvent whose DataTransfer
 * holds `data` (type → content), dispatched at the editor. The synthetic
 * event goes through ProseMirror's paste handling like a real one.
 */
export async function paste(page: Page, data: Record<string, string>): Promise<void> {
  await editor(page).evaluate((root, entries) => {
    const transfer = new DataTransfer()
    for (const [type, value] of Object.entries(entries)) transfer.setData(type, value)
    root.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }))
  }, data)
}


/** The page's horizontal overflow: a phone layout must keep scrollWidth within the window. */
export function pageWidths(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))
}

/**
 * Chooses `label` in the toolbar's table menu (the caret must be in a table),
 * then waits for focus to come back to the document, where the next key goes.
 */
export async function tableMenu(page: Page, label: string): Promise<void> {
  await page.getByTestId('toolbar-table-menu').click()
  await page.getByTestId('table-menu').getByRole('menuitem', { name: label }).click()
  await poll(() => focused(page)).toBe('editor')
}

/**
 * Delays everything `page` sends on its collaboration socket by `ms` (what it
 * receives comes at once), as a slow uplink would: two people's changes made
 * within that time cross on the way, each made without the other's. Call it
 * before the page opens the document.
 */
export async function slowUplink(page: Page, ms: number): Promise<void> {
  await page.routeWebSocket(/\/api\/collab\//, (socket) => {
    const server = socket.connectToServer()
    socket.onMessage((message) => setTimeout(() => server.send(message), ms))
  })
}

/** The accessible name of the focused element (a task checkbox inside the document, say). */
export function focusedLabel(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null)
}

/** Moves keyboard focus along the toolbar (arrow keys) until the button with test id `id` has it. */
export async function arrowToToolbarButton(page: Page, id: string): Promise<void> {
  for (let step = 0; step < 40; step++) {
    const current = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)
    if (current === id) return
    await page.keyboard.press('ArrowRight')
  }
  throw new Error(`toolbar button ${id} never got focus (${tid(id)})`)
}

/**
 * Selects the first occurrence of `needle` in the document (an empty needle
 * puts the caret after `after`), through the editor on the ProseMirror element,
 * as a person would with Shift and the arrow keys. Sets the scene; the
 * keyboard is what the tests then use.
 */
export async function selectText(page: Page, needle: string, options: { caretOnly?: 'start' | 'end' } = {}): Promise<void> {
  await editor(page).evaluate(
    (root, [text, caretOnly]) => {
      type Doc = { descendants(f: (node: { isText: boolean; text?: string }, pos: number) => void): void }
      const tiptap = (root as HTMLElement & { editor?: { state: { doc: Doc }; commands: { focus(): void; setTextSelection(r: number | { from: number; to: number }): void } } }).editor
      if (!tiptap) throw new Error('no editor on the ProseMirror element')
      let from = -1
      tiptap.state.doc.descendants((node, pos) => {
        if (from < 0 && node.isText && node.text?.includes(text)) from = pos + node.text.indexOf(text)
      })
      if (from < 0) throw new Error(`"${text}" is not in the document`)
      const to = from + text.length
      tiptap.commands.focus()
      tiptap.commands.setTextSelection(caretOnly === 'start' ? from : caretOnly === 'end' ? to : { from, to })
    },
    [needle, options.caretOnly ?? null] as const,
  )
}

/** Opens a document with a link carrying `token`, as someone following a share link would. */
export async function openWithToken(page: Page, baseUrl: string, docId: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/d/${docId}?token=${encodeURIComponent(token)}`)
  await editor(page).waitFor()
  await expectSaved(page)
}

/**
 * A new document made through the API (the home page is another test's
 * subject), opened on `page` with the caret in it; returns its id.
 */
export async function newDocOpen(page: Page, baseUrl: string, token?: string): Promise<string> {
  const reply = await call(baseUrl, '/api/docs', { method: 'POST', body: {}, ...(token ? { token } : {}) })
  if (reply.status !== 201) throw new Error(`POST /api/docs answered ${reply.status}`)
  const { id } = reply.body as { id: string }
  await openDoc(page, baseUrl, id)
  await editor(page).click()
  return id
}

export { seriousViolations } from './axeCheck.ts'
