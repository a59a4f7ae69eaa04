// @vitest-environment happy-dom
// @vitest-environment-options {"happyDOM":{"settings":{"disableJavaScriptEvaluation":true,"disableJavaScriptFileLoading":true,"disableCSSFileLoading":true,"enableImageFileLoading":false,"disableIframePageLoading":true,"navigation":{"disableMainFrameNavigation":true,"disableChildFrameNavigation":true,"disableChildPageNavigation":true,"disableFallbackToSetURL":true}}}}
/**
 * Random pastes through the editor's real paste path: a Tiptap editor with
 * the document schema, the paste handling and the product's paste rules,
 * given ClipboardEvents as a browser delivers them (text/plain, text/html or
 * both; now and then after Ctrl+Shift+V), at a random caret or selection in a
 * document with a heading, lists, a task list, a quote, a table and a code
 * block. Whatever is pasted, nothing throws, the document stays valid in the
 * schema, and no link points anywhere but http, https or mailto, in the
 * document or in what the editor renders.
 *
 * The DOM here is told to load nothing (see the environment options above),
 * and no piece names anything it could fetch (a frame is `about:blank`, an
 * image a `data:` address): happy-dom fetches an iframe's `src` even in the
 * detached document ProseMirror parses pasted HTML in, where a browser
 * does not.
 */
import { Editor } from '@tiptap/core'
import type { Node as PMNode } from '@tiptap/pm/model'
import { TextSelection } from '@tiptap/pm/state'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { documentExtensions } from '../../shared/editorSchema.ts'
import { PASTE_RULES, PasteHandling } from '../../client/src/editor/paste/pasteHandling.ts'

const START = [
  '<h2>Plan</h2><p>Some <strong>bold</strong> text and <a href="https://ok.example">a link</a>.</p>',
  '<ul><li><p>one</p><ul><li><p>nested</p></li></ul></li><li><p>two</p></li></ul>',
  '<ol start="3"><li><p>three</p></li></ol>',
  '<ul data-type="taskList"><li data-type="taskItem" data-checked="true"><p>done</p></li><li data-type="taskItem" data-checked="false"><p>todo</p></li></ul>',
  '<blockquote><p>quoted</p></blockquote>',
  '<table><tr><th><p>H</p></th><th><p>I</p></th></tr><tr><td><p>cell</p></td><td><p></p></td></tr></table>',
  '<pre><code>code();</code></pre><p></p>',
].join('')

const MARKDOWN_PIECES = [
  '\n# ', '\n- ', '\n1. ', '\n> ', '\n- [x] ', '\n```\n', '\n| h | i |\n|---|---|\n| 1 | 2 |\n',
  '# ', '## ', '- ', '* ', '1. ', '3) ', '- [ ] ', '- [x] ', '  - ', '    ', '> ', '```js\n', '```\n', '~~~\n', '---\n', '| a | b |\n', '|---|:-:|\n', '| `x\\|y` | c |\n',
  '**', '*', '_', '~~', '`', '[', '](', ')', '![', '<u>', '</u>', '<mark>', '</mark>', '<br>', '&amp;', '&#106;', '\\', '\n', '\n\n', '\r\n', '\uFEFF',
  'word ', 'Two words', '2 * 3 * 4', 'a_b_c', 'x | y', 'é', '😀', '\u0000', '\t',
  '[a](javascript:alert(1))', '[b](JaVaScRiPt:x)', '[c](&#106;avascript:alert(1))', '[d](data:text/html,<b>x</b>)', '[e](vbscript:x)',
  '<a href="javascript:alert(1)">f</a>', '<a href=" jav&#x09;ascript:x">g</a>', '<javascript:alert(1)>', '[r][ref]\n\n[ref]: javascript:alert(1)\n',
  '[ok](https://ok.example "t")', '<https://auto.example>', 'www.bare.example', 'me@mail.example', '[m](mailto:a@b.example)',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<style>p{}</style>', '<div>', '</div>',
]
const HTML_PIECES = [
  '<p>', '</p>', '<b style="font-weight:normal">', '</b>', '<strong>', '</strong>', '<em>', '</em>', '<span style="font-weight:700">', '</span>',
  '<h1>', '</h1>', '<ul>', '</ul>', '<ol start="9">', '</ol>', '<li>', '</li>', '<input type="checkbox" checked>', '<input type="checkbox">',
  '<table>', '</table>', '<colgroup><col width="80"></colgroup>', '<tr>', '</tr>', '<th>', '<td rowspan="2">', '<td colspan="3">', '</td>',
  '<pre><code class="language-py">', '</code></pre>', '<blockquote>', '</blockquote>', '<br>', 'text ', '😀',
  '<a href="javascript:alert(1)">', '<a href="  jav&#x09;ascript:x">', '<a href="data:text/html,x">', '<a href="https://ok.example" target="_self" rel="opener">', '</a>',
  '<iframe src="about:blank" srcdoc="<p>framed</p>"></iframe>', '<svg onload="alert(1)"><a href="javascript:x"><text>s</text></a></svg>', '<img src="data:image/png;base64,AAAA" onerror="alert(1)">',
  '<script>alert(1)</script>', '<style>body{display:none}</style>', '<object data="x"></object>', '<math><mi>x</mi></math>', '<!-- c -->',
]

const markdownText = fc.array(fc.constantFrom(...MARKDOWN_PIECES), { minLength: 1, maxLength: 25 }).map((parts) => parts.join(''))
const htmlText = fc.array(fc.constantFrom(...HTML_PIECES), { minLength: 1, maxLength: 25 }).map((parts) => parts.join(''))

const paste = fc.record({
  kind: fc.constantFrom('markdown', 'markdown', 'markdown', 'html', 'both', 'vscode'),
  text: markdownText,
  html: htmlText,
  plain: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
  anchor: fc.double({ min: 0, max: 1, noNaN: true }),
  head: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 3 }),
})

function clipboard({ kind, text, html }: { kind: string; text: string; html: string }): Record<string, string> {
  if (kind === 'markdown') return { 'text/plain': text }
  if (kind === 'html') return { 'text/html': html, 'text/plain': 'x' }
  // VS Code: coloured spans around the same text.
  if (kind === 'vscode') return { 'text/plain': text, 'text/html': `<div><span style="color:#569cd6">${text.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</span></div>` }
  return { 'text/plain': text, 'text/html': html }
}

const SAFE = /^(?:https?:\/\/[^/?#\s]|mailto:)/i

function hrefs(doc: PMNode): string[] {
  const out: string[] = []
  doc.descendants((node) => {
    for (const mark of node.marks) if (mark.type.name === 'link') out.push(String(mark.attrs.href))
  })
  return out
}

const STRUCTURE = new Set(['heading', 'bulletList', 'orderedList', 'taskList', 'blockquote', 'table', 'codeBlock', 'horizontalRule'])
function structure(doc: PMNode): number {
  let count = 0
  doc.descendants((node) => {
    if (STRUCTURE.has(node.type.name)) count++
  })
  return count
}

describe('pasting random Markdown-like text and hostile HTML through the editor', () => {
  let editor: Editor
  const errors: unknown[] = []
  const onError = (event: ErrorEvent): void => {
    errors.push(event.error ?? event.message)
  }
  beforeAll(() => {
    // Browsers keep `rules`, the legacy name of a style sheet's `cssRules`,
    // and ProseMirror's HTML paste reads it when the HTML holds a <style>;
    // happy-dom has only `cssRules` (a gap of this DOM, not of the editor).
    if (!('rules' in CSSStyleSheet.prototype)) {
      Object.defineProperty(CSSStyleSheet.prototype, 'rules', {
        get(this: CSSStyleSheet) {
          return this.cssRules
        },
      })
    }
    const element = document.createElement('div')
    document.body.append(element)
    editor = new Editor({ element, extensions: [...documentExtensions(), PasteHandling], enablePasteRules: PASTE_RULES })
    window.addEventListener('error', onError)
  })
  afterAll(() => {
    window.removeEventListener('error', onError)
    editor.destroy()
  })

  it('never throws, never leaves the document invalid, never lets in a link outside http, https and mailto', () => {
    let formatted = 0
    let eligible = 0
    fc.assert(
      fc.property(paste, (p) => {
        editor.commands.setContent(START)
        const { doc } = editor.state
        const at = (f: number): number => Math.round(f * doc.content.size)
        const from = TextSelection.near(doc.resolve(at(p.anchor)))
        const to = p.head === null ? from : TextSelection.near(doc.resolve(at(p.head)))
        editor.view.dispatch(editor.state.tr.setSelection(TextSelection.between(from.$anchor, to.$head)))
        const before = structure(editor.state.doc)
        const view = editor.view
        if (p.plain) view.dom.dispatchEvent(new KeyboardEvent('keydown', { key: 'V', ctrlKey: true, shiftKey: true, bubbles: true }))
        const transfer = new DataTransfer()
        for (const [type, value] of Object.entries(clipboard(p))) transfer.setData(type, value)
        view.dom.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }))

        expect(errors).toEqual([])
        const after = editor.state.doc
        after.check()
        for (const href of hrefs(after)) expect(href).toMatch(SAFE)
        for (const a of view.dom.querySelectorAll('a')) expect(a.getAttribute('href') ?? '').toMatch(SAFE)
        if (p.kind === 'markdown' && !p.plain) {
          eligible++
          if (structure(after) > before) formatted++
        }
      }),
      { numRuns: 600 },
    )
    // The runs reached the Markdown conversion, not only ProseMirror's plain-text paste.
    expect(formatted).toBeGreaterThan(eligible / 4)
  })
})
