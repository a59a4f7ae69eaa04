/**
 * What a test reads from and does to the app's pages, by the test ids and
 * roles the UI exposes. Document content is read from the editor's DOM with
 * other people's carets taken out (their name labels live inside the text).
 */
import { expect } from 'vitest'
import type { Locator, Page } from 'playwright-core'

/** `expect.poll` with a timeout fit for two browsers and a server (vitest's default is 1 s). */
export function poll<T>(check: () => T | Promise<T>, timeout = 10_000) {
  return expect.poll(check, { timeout, interval: 50 })
}

/** A CSS selector for a test id. */
export function tid(id: string): string {
  return `[data-testid="${id}"]`
}

/**
 * An attribute of the first element matching `selector`, or null when there
 * is none. It never waits (a locator would, for its whole timeout, if the
 * element vanished between two polls), so it is the thing to poll.
 */
export function attr(page: Page, selector: string, name: string): Promise<string | null> {
  return page.evaluate(([css, attribute]) => document.querySelector(css)?.getAttribute(attribute) ?? null, [selector, name] as const)
}

/** The text of the first element matching `selector`, or null when there is none (never waits). */
export function textOf(page: Page, selector: string): Promise<string | null> {
  return page.evaluate((css) => document.querySelector(css)?.textContent ?? null, selector)
}

/** What the focused element is: `editor`, its test id, or its role or tag. */
export function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const active = document.activeElement
    if (active?.closest('.ProseMirror')) return 'editor'
    return active?.getAttribute('data-testid') ?? active?.getAttribute('role') ?? active?.tagName.toLowerCase() ?? null
  })
}

export function editor(page: Page): Locator {
  return page.getByTestId('editor').locator('.ProseMirror')
}

/** The editor's content as the person sees it: one line per block, carets removed. */
export function docText(page: Page): Promise<string> {
  return editor(page).evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret, .ProseMirror-widget')) caret.remove()
    const blocks = copy.querySelectorAll('p, h1, h2, h3, h4, h5, h6, pre')
    return Array.from(blocks, (block) => block.textContent ?? '').join('\n')
  })
}

/**
 * The editor's structure: tags and text only. Carets and the highlight of
 * others' selections are dropped, and attributes (placeholders, ProseMirror's
 * bookkeeping classes) ignored, so two people's pages compare equal exactly
 * when they show the same document.
 */
export function docHtml(page: Page): Promise<string> {
  return editor(page).evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret, .ProseMirror-widget, br.ProseMirror-trailingBreak, img.ProseMirror-separator')) caret.remove()
    for (const highlight of copy.querySelectorAll('.collaboration-carets__selection, .ai-pending')) highlight.replaceWith(...highlight.childNodes)
    const walk = (node: Node): string => {
      if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? ''
      if (!(node instanceof HTMLElement)) return ''
      const tag = node.tagName.toLowerCase()
      return `<${tag}>${Array.from(node.childNodes, walk).join('')}</${tag}>`
    }
    return Array.from(copy.childNodes, walk).join('')
  })
}

export function connectionState(page: Page): Promise<string | null> {
  return attr(page, tid('connection-status'), 'data-state')
}

export async function expectSaved(page: Page): Promise<void> {
  await poll(() => connectionState(page), 15_000).toBe('saved')
}

/** Opens a document by its share link and waits until it is in step with the server. */
export async function openDoc(page: Page, baseUrl: string, docId: string): Promise<void> {
  await page.goto(`${baseUrl}/d/${docId}`)
  await editor(page).waitFor()
  await expectSaved(page)
}

/** The home page's "New document"; returns the new document's id. */
export async function createDocFromHome(page: Page, baseUrl: string): Promise<string> {
  await page.goto(baseUrl)
  await page.getByTestId('doc-list').waitFor()
  await page.getByTestId('new-doc').click()
  await page.waitForURL(/\/d\/[^/]+$/)
  await editor(page).waitFor()
  await expectSaved(page)
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '')
}

/**
 * Enters text at the caret, a line at a time (Enter between lines). Each line
 * arrives as one input event, like a paste or a dictation: much faster than
 * key-by-key typing, for setting a scene rather than testing typing itself.
 */
export async function write(page: Page, text: string): Promise<void> {
  const lines = text.split('\n')
  for (const [index, line] of lines.entries()) {
    if (index > 0) await page.keyboard.press('Enter')
    if (line) await page.keyboard.insertText(line)
  }
}

/**
 * Puts the caret at the end of the `index`-th block (0-based): a click on it,
 * then End. A click that lands while a remote change is being applied can be
 * lost (the editor keeps the selection it had), so it checks where the caret
 * ended up and clicks again if needed.
 */
export async function caretAtEndOf(page: Page, index: number): Promise<void> {
  const block = editor(page).locator('> *').nth(index)
  for (let attempt = 0; attempt < 3; attempt++) {
    await block.click()
    await page.keyboard.press('End')
    const landed = await block.evaluate((element) => {
      const selection = window.getSelection()
      return selection !== null && selection.isCollapsed && selection.focusNode !== null && element.contains(selection.focusNode)
    })
    if (landed) return
  }
  throw new Error(`could not put the caret into block ${index}`)
}

/** Selects the `index`-th block's text with a triple click (Home/End would stop at a wrapped line's edge). */
export async function selectBlock(page: Page, index: number): Promise<void> {
  await editor(page).locator('> *').nth(index).click({ clickCount: 3 })
}

/** Waits until both pages show the same document, then returns it. */
export async function expectConverged(a: Page, b: Page, timeout = 15_000): Promise<string> {
  await poll(async () => {
    const [left, right] = await Promise.all([docHtml(a), docHtml(b)])
    return left === right ? 'same' : `differ:\n${left}\n${right}`
  }, timeout).toBe('same')
  return docHtml(a)
}

export function hexToRgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16)
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`
}

/** The requester's AI panel: its phase, or null when it is closed (never waits). */
export function aiPhase(page: Page): Promise<string | null> {
  return attr(page, tid('ai-panel'), 'data-phase')
}

/** Everything the AI panel says, or null when it is closed (never waits). */
export function aiPanelText(page: Page): Promise<string | null> {
  return textOf(page, tid('ai-panel'))
}
