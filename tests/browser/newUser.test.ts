/**
 * A new team's first afternoon, on a phone as much as at a desk: what the
 * README's "Using the editor" promises, tried the way a person would (a tap,
 * the keyboard alone), where the feature tests left a gap.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { ALICE, announceSkip, useBrowserSuite } from './harness.ts'
import { newDocOpen } from './editingPages.ts'
import { editor, focused, poll, write } from './pages.ts'

const skip = announceSkip('newUser.test.ts')

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
})
