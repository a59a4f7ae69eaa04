/**
 * Pasting in Chromium, as the browser delivers it (a ClipboardEvent with
 * text/plain and text/html, and the real clipboard for Ctrl+V and
 * Ctrl+Shift+V): prose keeps its stars, one line keeps its "#", Markdown
 * blocks arrive whole in the middle of a sentence and into a table cell, a
 * GitHub README's checkbox lists become task lists, a page's table loses its
 * column widths, and random Markdown-like text and hostile HTML pasted
 * anywhere never break the document or let in a script or a javascript: link.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { ALICE, announceSkip, useBrowserSuite } from './harness.ts'
import { newDocOpen, paste, tasksIn } from './editingPages.ts'
import { docHtml, editor, poll } from './pages.ts'

const skip = announceSkip('paste.test.ts')

interface Json {
  type: string
  text?: string
  attrs?: Record<string, unknown>
  marks?: { type: string; attrs?: Record<string, unknown> }[]
  content?: Json[]
}

/** Replaces the document with `html` (through the editor, so through Yjs) and puts the caret after `after`, or selects the fraction `at` of it. */
async function scene(page: Page, html: string, where: { after?: string; at?: [number, number] }): Promise<void> {
  await editor(page).evaluate(
    (root, [content, after, at]) => {
      type Tiptap = {
        commands: { setContent(c: string): void; focus(): void; setTextSelection(r: number | { from: number; to: number }): void }
        state: { doc: { content: { size: number }; descendants(f: (n: { isText: boolean; text?: string }, pos: number) => void): void } }
      }
      const tiptap = (root as HTMLElement & { editor: Tiptap }).editor
      tiptap.commands.setContent(content)
      tiptap.commands.focus()
      if (after !== null) {
        let pos = -1
        tiptap.state.doc.descendants((node, p) => {
          if (pos < 0 && node.isText && node.text?.includes(after)) pos = p + node.text.indexOf(after) + after.length
        })
        tiptap.commands.setTextSelection(pos)
      } else if (at !== null) {
        const size = tiptap.state.doc.content.size
        tiptap.commands.setTextSelection({ from: Math.round(at[0] * size), to: Math.round(at[1] * size) })
      }
    },
    [html, where.after ?? null, where.at ?? null] as const,
  )
}

/** The document as ProseMirror JSON, and whether it is valid in the schema. */
function docState(page: Page): Promise<{ json: Json; error: string | null; links: string[]; pwned: unknown }> {
  return editor(page).evaluate((root) => {
    type Tiptap = { getJSON(): unknown; state: { doc: { check(): void } } }
    const tiptap = (root as HTMLElement & { editor: Tiptap }).editor
    let error: string | null = null
    try {
      tiptap.state.doc.check()
    } catch (err) {
      error = String(err)
    }
    return {
      json: tiptap.getJSON() as Json,
      error,
      links: Array.from(root.querySelectorAll('a'), (a) => a.getAttribute('href') ?? ''),
      pwned: (window as Window & { __pwned?: unknown }).__pwned ?? null,
    }
  })
}

function outline(doc: Json): string {
  const walk = (node: Json): string => {
    if (node.type === 'text') return node.text ?? ''
    const children = node.content ?? []
    return `${node.type}(${children.map(walk).join(children.every((c) => c.type === 'text') ? '' : ' ')})`
  }
  return (doc.content ?? []).map(walk).join(' ')
}

const SAFE = /^(?:https?:\/\/[^/?#\s]|mailto:)/i

describe.skipIf(skip)('pasting', () => {
  const suite = useBrowserSuite({ ai: false })

  test('prose keeps its stars and pipes, one line keeps its "#", blocks arrive whole mid-sentence and in a cell; Ctrl+Shift+V keeps Markdown as typed', async () => {
    const alice = await suite.person(ALICE)
    await newDocOpen(alice.page, suite.app.url)

    // Prose, not Markdown: Tiptap's own paste patterns once turned "2 * 3 * 4" into an italic " 3 ".
    await scene(alice.page, '<p>Note:</p>', { after: 'Note:' })
    await paste(alice.page, { 'text/plain': ' it costs 2 * 3 * 4 | per unit | roughly\nand *that* is all' })
    await poll(async () => outline((await docState(alice.page)).json)).toBe('paragraph(Note: it costs 2 * 3 * 4 | per unit | roughly) paragraph(and *that* is all)')

    // One line with inline Markdown: its code is formatted, its "#" stays a "#".
    await scene(alice.page, '<p>See here</p>', { after: 'See' })
    await paste(alice.page, { 'text/plain': ' # of items in `list`' })
    await poll(() => docHtml(alice.page)).toBe('<p>See # of items in <code>list</code> here</p>')

    // A list in the middle of a sentence splits it; the list arrives whole.
    await scene(alice.page, '<p>Hello world</p>', { after: 'Hello ' })
    await paste(alice.page, { 'text/plain': '- milk\n- [x] eggs\n- bread' })
    await poll(async () => outline((await docState(alice.page)).json)).toBe(
      'paragraph(Hello ) bulletList(listItem(paragraph(milk))) taskList(taskItem(paragraph(eggs))) bulletList(listItem(paragraph(bread))) paragraph(world)',
    )

    // Into a table cell: a list arrives in the cell; a table arrives as its lines of text.
    await scene(alice.page, '<table><tr><th><p>H</p></th></tr><tr><td><p>cell</p></td></tr></table>', { after: 'cell' })
    await paste(alice.page, { 'text/plain': '- a\n- b' })
    await poll(async () => outline((await docState(alice.page)).json)).toContain('tableCell(paragraph(cell) bulletList(listItem(paragraph(a)) listItem(paragraph(b))))')
    await paste(alice.page, { 'text/plain': '| x | y |\n|---|---|\n| 1 | 2 |' })
    await poll(async () => (await docState(alice.page)).json.content?.filter((n) => n.type === 'table').length).toBe(1)

    // The real clipboard: Ctrl+Shift+V pastes the text as it is, bold stars included; Ctrl+V formats.
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await scene(alice.page, '<p>x</p>', { after: 'x' })
    await alice.page.evaluate(() => navigator.clipboard.writeText('**not bold** and `not code`\n- not a list'))
    await alice.page.keyboard.press('Control+Shift+v')
    await poll(() => docHtml(alice.page)).toBe('<p>x**not bold** and `not code`</p><p>- not a list</p>')
    await scene(alice.page, '<p>x</p>', { after: 'x' })
    await alice.page.keyboard.press('Control+v')
    await poll(() => docHtml(alice.page)).toBe('<p>x<strong>not bold</strong> and <code>not code</code></p><ul><li><p>not a list</p></li></ul>')
    expect((await docState(alice.page)).error).toBeNull()
  })

  test("a GitHub README's checkbox lists become task lists, a page's table keeps no pixel widths, hostile HTML runs nothing and links nowhere unsafe", async () => {
    const alice = await suite.person(ALICE)
    await newDocOpen(alice.page, suite.app.url)
    await scene(alice.page, '<p></p>', {})
    const readme = [
      '<h2 dir="auto">Status</h2>',
      '<ul class="contains-task-list"><li class="task-list-item"><input type="checkbox" disabled="" class="task-list-item-checkbox" checked=""> shipped</li>',
      '<li class="task-list-item"><input type="checkbox" disabled="" class="task-list-item-checkbox"> documented</li></ul>',
      '<table><colgroup><col width="300"><col width="40"></colgroup><thead><tr><th align="left">Name</th><th align="right">Qty</th></tr></thead>',
      '<tbody><tr><td align="left"><code>a|b</code></td><td align="right">3</td></tr></tbody></table>',
    ].join('')
    await paste(alice.page, { 'text/html': readme, 'text/plain': 'Status shipped documented Name Qty a|b 3' })
    await poll(async () => (await tasksIn(alice.page)).map(({ text, checked }) => ({ text, checked }))).toEqual([
      { text: 'shipped', checked: true },
      { text: 'documented', checked: false },
    ])
    const { json } = await docState(alice.page)
    expect(JSON.stringify(json)).not.toMatch(/"colwidth":\[/)
    // Columns size to their content: no column is given a width (a minimum is fine).
    const colStyles = await editor(alice.page).locator('col').evaluateAll((cols) => cols.map((col) => col.getAttribute('style') ?? ''))
    expect(colStyles.filter((style) => /(?:^|;)\s*width:/.test(style))).toEqual([])

    await scene(alice.page, '<p>start</p>', { after: 'start' })
    const hostile = [
      '<p><a href="  jav&#x09;ascript:window.__pwned=1">tab</a> <a href="data:text/html,<script>alert(1)</script>">data</a> <a href="https://ok.example/x" rel="opener" target="_self">ok</a></p>',
      '<svg onload="window.__pwned=2"><a href="javascript:window.__pwned=3"><text>svg</text></a></svg>',
      '<img src="data:image/png;base64,AAAA" onerror="window.__pwned=4"><iframe srcdoc="<script>parent.__pwned=5</script>"></iframe>',
      '<style>body{display:none}</style><script>window.__pwned=6</script>',
    ].join('')
    await paste(alice.page, { 'text/html': hostile, 'text/plain': 'tab data ok svg' })
    await poll(async () => (await docState(alice.page)).links).toEqual(['https://ok.example/x'])
    await alice.page.waitForTimeout(300)
    const after = await docState(alice.page)
    expect(after.pwned).toBeNull()
    expect(after.error).toBeNull()
    expect(await alice.page.evaluate(() => getComputedStyle(document.body).display)).not.toBe('none')
    expect(await editor(alice.page).locator('script, style, iframe, svg, img:not(.ProseMirror-separator)').count()).toBe(0)
  })

  test('random Markdown-like text and hostile HTML pasted anywhere never throw, never leave the document invalid, never link to javascript:', async () => {
    const alice = await suite.person(ALICE)
    const errors: string[] = []
    alice.page.on('pageerror', (error) => errors.push(String(error)))
    await newDocOpen(alice.page, suite.app.url)
    const start =
      '<h2>Plan</h2><p>Some <strong>bold</strong> text.</p><ul><li><p>one</p></li></ul><ul data-type="taskList"><li data-type="taskItem" data-checked="true"><p>done</p></li></ul>' +
      '<blockquote><p>quoted</p></blockquote><table><tr><th><p>H</p></th></tr><tr><td><p>cell</p></td></tr></table><pre><code>code();</code></pre><p>end</p>'
    const pieces = [
      '\n# ', '\n- ', '\n1. ', '\n> ', '\n- [ ] ', '\n```js\n', '\n| a | b |\n|---|:-:|\n| 1 | 2 |\n', '**', '*', '`', '~~', '[', '](', ')', '<u>', '</mark>', '&#106;', '\\', '\n\n', 'word ',
      '[a](javascript:window.__pwned=1)', '[b](JaVaScRiPt:x)', '<javascript:x>', '[r][ref]\n\n[ref]: javascript:x\n', '<script>window.__pwned=2</script>', '<img src=x onerror="window.__pwned=3">',
      '<a href="javascript:window.__pwned=4">h</a>', '[ok](https://ok.example "t")', 'www.bare.example',
    ]
    const htmlPieces = ['<p>', '</p>', '<ul><li><input type="checkbox" checked> t</li></ul>', '<table><tr><td rowspan="2">r</td><td>c</td></tr></table>', '<b style="font-weight:normal">', '<a href="javascript:window.__pwned=5">x</a>', '<svg onload="window.__pwned=6"></svg>', 'text']
    const run = fc.record({
      text: fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 14 }).map((p) => p.join('')),
      html: fc.option(fc.array(fc.constantFrom(...htmlPieces), { minLength: 1, maxLength: 8 }).map((p) => p.join('')), { freq: 4 }),
      at: fc
        .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean())
        .map(([a, b, range]): [number, number] => [Math.min(a, b), range ? Math.max(a, b) : Math.min(a, b)]),
    })
    const samples = fc.sample(run, { numRuns: 40, seed: 20_260_101 })
    for (const { text, html, at } of samples) {
      await scene(alice.page, start, { at })
      await paste(alice.page, html === null ? { 'text/plain': text } : { 'text/plain': text, 'text/html': html })
      const state = await docState(alice.page)
      expect(state.error, text).toBeNull()
      for (const href of state.links) expect(href, text).toMatch(SAFE)
      expect(state.pwned, text).toBeNull()
    }
    expect(errors).toEqual([])
  })
})
