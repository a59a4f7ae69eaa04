import type { JSONContent } from '@tiptap/core'
import { getDefaults, marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'

const schema = documentSchema()
const md = (src: string): JSONContent[] => markdownToBlocks(src, schema)
const text = (t: string, ...marks: string[]): JSONContent =>
  marks.length === 0 ? { type: 'text', text: t } : { type: 'text', text: t, marks: marks.map((type) => ({ type })) }
const p = (...content: JSONContent[]): JSONContent => (content.length === 0 ? { type: 'paragraph' } : { type: 'paragraph', content })
const li = (...content: JSONContent[]): JSONContent => ({ type: 'listItem', content })
const task = (checked: boolean, ...content: JSONContent[]): JSONContent => ({ type: 'taskItem', attrs: { checked }, content })
const row = (...content: JSONContent[]): JSONContent => ({ type: 'tableRow', content })
const cell = (type: string, align: string | null, ...content: JSONContent[]): JSONContent => ({ type, attrs: { colspan: 1, rowspan: 1, colwidth: null, align }, content })
const link = (t: string, href: string, title: string | null = null): JSONContent => ({
  type: 'text',
  text: t,
  marks: [{ type: 'link', attrs: { href, target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title } }],
})

/** All text in the blocks, to check that no markdown syntax survived. */
function plain(blocks: readonly JSONContent[]): string {
  return blocks.map((b) => (b.text ?? '') + plain(b.content ?? [])).join('|')
}

describe('markdownToBlocks', () => {
  it('returns no blocks for empty or blank input', () => {
    expect(md('')).toEqual([])
    expect(md('  \n\n \n')).toEqual([])
  })

  it('converts ATX and setext headings with their level', () => {
    expect(md('# One\n\n###### Six **b**')).toEqual([
      { type: 'heading', attrs: { level: 1 }, content: [text('One')] },
      { type: 'heading', attrs: { level: 6 }, content: [text('Six '), text('b', 'bold')] },
    ])
    expect(md('Title\n=====\n\nSub\n---')).toEqual([
      { type: 'heading', attrs: { level: 1 }, content: [text('Title')] },
      { type: 'heading', attrs: { level: 2 }, content: [text('Sub')] },
    ])
  })

  it('joins soft line breaks with a space and keeps hard breaks', () => {
    expect(md('one\ntwo')).toEqual([p(text('one two'))])
    expect(md('one  \ntwo\\\nthree')).toEqual([p(text('one'), { type: 'hardBreak' }, text('two'), { type: 'hardBreak' }, text('three'))])
  })

  it('applies bold, italic, strike, inline code and nesting', () => {
    expect(md('**b** *i* _j_ ~~s~~ `c` ***bi***')).toEqual([
      p(text('b', 'bold'), text(' '), text('i', 'italic'), text(' '), text('j', 'italic'), text(' '), text('s', 'strike'), text(' '), text('c', 'code'), text(' '), text('bi', 'bold', 'italic')),
    ])
    expect(md('**bold *and italic* end**')).toEqual([p(text('bold ', 'bold'), text('and italic', 'bold', 'italic'), text(' end', 'bold'))])
  })

  it('lets the code mark exclude other marks, and keeps links over code inside links', () => {
    expect(md('**a `c` b**')).toEqual([p(text('a ', 'bold'), text('c', 'code'), text(' b', 'bold'))])
    expect(md('[`fn`](https://x.dev)')).toEqual([p(link('fn', 'https://x.dev'))])
  })

  it('converts links, titles, autolinks and emphasis inside links', () => {
    const [block] = md('[**go** here](https://a.example "T") <https://b.example> www.c.example')
    expect(block?.content?.[0]).toEqual({ ...link('go', 'https://a.example', 'T'), marks: [link('', 'https://a.example', 'T').marks?.[0], { type: 'bold' }] })
    expect(block?.content?.[1]).toEqual(link(' here', 'https://a.example', 'T'))
    expect(block?.content).toContainEqual(link('https://b.example', 'https://b.example'))
    expect(block?.content).toContainEqual(link('www.c.example', 'http://www.c.example'))
  })

  it('drops link targets with unsafe schemes but keeps the text', () => {
    expect(md('[click](javascript:alert(1)) [x](JaVaScRiPt:1) [y](data:text/html,x) [z](vbscript:x)')).toEqual([p(text('click x y z'))])
  })

  it('resolves backslash escapes and HTML entities', () => {
    expect(md('\\*not em\\* \\# \\[x\\] AT&amp;T &copy; &#65;&#x42; &unknown;')).toEqual([p(text('*not em* # [x] AT&T © AB &unknown;'))])
  })

  it('converts bullet and ordered lists, nested, with the ordered start', () => {
    expect(md('- a\n- b\n  1. c\n  2. d\n\n3. three\n4. four')).toEqual([
      { type: 'bulletList', content: [li(p(text('a'))), li(p(text('b')), { type: 'orderedList', attrs: { start: 1, type: null }, content: [li(p(text('c'))), li(p(text('d')))] })] },
      { type: 'orderedList', attrs: { start: 3, type: null }, content: [li(p(text('three'))), li(p(text('four')))] },
    ])
  })

  it('keeps list items schema-valid when they start with something other than a paragraph', () => {
    expect(md('- # Heading item\n-\n- ```\n  code\n  ```')).toEqual([
      {
        type: 'bulletList',
        content: [li(p(text('Heading item'))), li(p()), li(p(), { type: 'codeBlock', attrs: { language: null }, content: [text('code')] })],
      },
    ])
  })

  it('converts task lists, nested, with their checked state', () => {
    expect(md('- [ ] todo\n- [x] done\n  - [ ] sub\n  - plain sub')).toEqual([
      {
        type: 'taskList',
        content: [
          task(false, p(text('todo'))),
          task(true, p(text('done')), { type: 'taskList', content: [task(false, p(text('sub')))] }, { type: 'bulletList', content: [li(p(text('plain sub')))] }),
        ],
      },
    ])
  })

  it('splits a list mixing task and plain items into runs, as GitHub shows them', () => {
    expect(md('- [ ] a\n- b\n- c\n- [x] d')).toEqual([
      { type: 'taskList', content: [task(false, p(text('a')))] },
      { type: 'bulletList', content: [li(p(text('b'))), li(p(text('c')))] },
      { type: 'taskList', content: [task(true, p(text('d')))] },
    ])
    expect(md('3. [ ] a\n4. b')).toEqual([
      { type: 'taskList', content: [task(false, p(text('a')))] },
      { type: 'orderedList', attrs: { start: 4, type: null }, content: [li(p(text('b')))] },
    ])
  })

  it('reads an item that is only a box ("- [ ]", "- [x]" with lines under it) as a task not yet written, which is how an empty task is exported', () => {
    expect(md('- [ ]')).toEqual([{ type: 'taskList', content: [task(false, p())] }])
    expect(md('- [x]\n  - sub')).toEqual([{ type: 'taskList', content: [task(true, p(), { type: 'bulletList', content: [li(p(text('sub')))] })] }])
    expect(md('- [ ] a\n- [ ]')).toEqual([{ type: 'taskList', content: [task(false, p(text('a'))), task(false, p())] }])
    // With words next to it, it stays what it was: text.
    expect(md('- [ ] and more [ ]')).toEqual([{ type: 'taskList', content: [task(false, p(text('and more [ ]')))] }])
    expect(md('- see [ ]')).toEqual([{ type: 'bulletList', content: [li(p(text('see [ ]')))] }])
  })

  it('converts blockquotes, nested', () => {
    expect(md('> quote\n> > inner\n\n>')).toEqual([
      { type: 'blockquote', content: [p(text('quote')), { type: 'blockquote', content: [p(text('inner'))] }] },
      { type: 'blockquote', content: [p()] },
    ])
  })

  it('converts fenced and indented code blocks without marks or unescaping', () => {
    expect(md('```ts title="x"\nconst a = **b** &amp;\n```\n\n~~~\nraw\n~~~\n\n    indented\n    code')).toEqual([
      { type: 'codeBlock', attrs: { language: 'ts' }, content: [text('const a = **b** &amp;')] },
      { type: 'codeBlock', attrs: { language: null }, content: [text('raw')] },
      { type: 'codeBlock', attrs: { language: null }, content: [text('indented\ncode')] },
    ])
    expect(md('```\n```')).toEqual([{ type: 'codeBlock', attrs: { language: null } }])
  })

  it('converts horizontal rules', () => {
    expect(md('a\n\n---\n\n***\n\nb')).toEqual([p(text('a')), { type: 'horizontalRule' }, { type: 'horizontalRule' }, p(text('b'))])
  })

  it('converts GFM tables: a header row, body rows padded or cut to its width, alignment kept', () => {
    expect(md('| Name | Qty |\n|---|--:|\n| *apple* | 3 |\n| pear |\n| a | b | c |\n| `x\\|y` | [l](https://l.example) |')).toEqual([
      {
        type: 'table',
        content: [
          row(cell('tableHeader', null, p(text('Name'))), cell('tableHeader', 'right', p(text('Qty')))),
          row(cell('tableCell', null, p(text('apple', 'italic'))), cell('tableCell', 'right', p(text('3')))),
          row(cell('tableCell', null, p(text('pear'))), cell('tableCell', 'right', p())),
          row(cell('tableCell', null, p(text('a'))), cell('tableCell', 'right', p(text('b')))),
          row(cell('tableCell', null, p(text('x|y', 'code'))), cell('tableCell', 'right', p(link('l', 'https://l.example')))),
        ],
      },
    ])
  })

  it('converts <u> and <mark> to underline and highlight, overlapping or unclosed', () => {
    expect(md('<u>u</u> <mark class="x">m **b**</mark> <u>a<mark>b</u>c</mark> </u>x <MARK>open')).toEqual([
      p(
        text('u', 'underline'), text(' '), text('m ', 'highlight'), text('b', 'bold', 'highlight'), text(' '),
        text('a', 'underline'), text('b', 'underline', 'highlight'), text('c', 'highlight'), text(' x '), text('open', 'highlight'),
      ),
    ])
  })

  it('degrades images to their alt text linked to the source, when the source is a web address', () => {
    // A relative source has no meaning outside the page it came from, so only its text stays.
    expect(md('![A cat](https://img.example/cat.png) ![](pic.png)')).toEqual([p(link('A cat', 'https://img.example/cat.png'), text(' pic.png'))])
  })

  it('keeps the words of raw HTML and drops the tags', () => {
    expect(md('<div class="x">\n<b>Hello</b> world\n</div>\n\ntext <span>inline</span><br>after <!-- c -->')).toEqual([
      p(text('Hello world')),
      p(text('text inline'), { type: 'hardBreak' }, text('after')),
    ])
    expect(md('<!-- only a comment -->')).toEqual([])
  })

  it('reads markdown inside raw HTML blocks once, without recursing on leftovers', () => {
    expect(md('<div>\n**bold** inside\n</div>')).toEqual([p(text('bold', 'bold'), text(' inside'))])
    // `<?` opens an HTML block up to `?>`; the unclosed tag left after stripping stays text.
    expect(md('<?php echo 1;\n\n> <?php')).toEqual([p(text('<?php'))])
  })

  it('does not depend on global marked options', () => {
    marked.use({ gfm: false, breaks: true })
    try {
      expect(md('~~s~~ a\nb')).toEqual([p(text('s', 'strike'), text(' a b'))])
    } finally {
      marked.setOptions(getDefaults())
    }
  })

  it('resolves reference links', () => {
    expect(md('[site][s] and [s]\n\n[s]: https://s.example')).toEqual([p(link('site', 'https://s.example'), text(' and '), link('s', 'https://s.example'))])
  })

  it('leaves no markdown syntax in a typical model answer', () => {
    const out = plain(
      md('# Plan\n\n**Goal:** ship *v2* by `Friday` — see [notes](https://n.example).\n\n1. Draft\n2. **Review**\n   - ~~old~~ new\n\n> Tip: _small_ steps\n\n---\n\nDone!'),
    )
    expect(out).not.toMatch(/\*\*|__|~~|`|\[|\]\(|^#|\n#/)
  })
})
