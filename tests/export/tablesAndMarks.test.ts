import { describe, expect, it } from 'vitest'
import { toHtml, toMarkdown, type PMNode } from '../../server/export/index.ts'
import { importDocument } from '../../server/import/index.ts'

const t = (text: string, ...marks: string[]): PMNode => ({ type: 'text', text, ...(marks.length > 0 ? { marks: marks.map((type) => ({ type })) } : {}) })
const p = (...content: PMNode[]): PMNode => ({ type: 'paragraph', content })
const cell = (type: string, ...content: PMNode[]): PMNode => ({ type, attrs: { colspan: 1, rowspan: 1, colwidth: null, align: null }, content })
const row = (...content: PMNode[]): PMNode => ({ type: 'tableRow', content })
const doc = (...content: PMNode[]): PMNode => ({ type: 'doc', content })

describe('Markdown export of tables', () => {
  it('escapes pipes and joins paragraphs and hard breaks of a cell with <br>', () => {
    const table = { type: 'table', content: [row(cell('tableHeader', p(t('a|b')))), row(cell('tableCell', p(t('one'), { type: 'hardBreak' }, t('two')), p(t('x|y', 'code'))))] }
    expect(toMarkdown(doc(table))).toBe('| a\\|b |\n| --- |\n| one<br>two<br>`x\\|y` |\n')
    const back = importDocument('md', toMarkdown(doc(table)))
    expect(JSON.stringify(back)).toContain('"text":"x|y"')
    expect(JSON.stringify(back)).toContain('"hardBreak"')
  })

  it('makes the first row the header line when it has no header cells, and pads short rows', () => {
    const table = { type: 'table', content: [row(cell('tableCell', p(t('a'))), cell('tableCell', p(t('b')))), row(cell('tableCell', p(t('c'))))] }
    expect(toMarkdown(doc(table))).toBe('| a | b |\n| --- | --- |\n| c |  |\n')
  })
})

describe('HTML export', () => {
  it('writes task lists with Tiptap data attributes, <mark>, <u> and safe links that open in a new tab', () => {
    const link = (href: string): PMNode => ({ type: 'text', text: 'l', marks: [{ type: 'link', attrs: { href } }] })
    const html = toHtml(doc({ type: 'taskList', content: [{ type: 'taskItem', attrs: { checked: true }, content: [p(t('u', 'underline'), t('m', 'highlight'), link('https://a.example'), link('javascript:alert(1)'))] }] }))
    expect(html).toBe(
      '<ul data-type="taskList"><li data-type="taskItem" data-checked="true"><input type="checkbox" disabled checked><p><u>u</u><mark>m</mark><a href="https://a.example" target="_blank" rel="noopener noreferrer">l</a>l</p></li></ul>',
    )
  })

  it('writes merged cells and alignment', () => {
    const wide = { type: 'tableCell', attrs: { colspan: 2, rowspan: 1, colwidth: null, align: 'center' }, content: [p(t('w'))] }
    expect(toHtml(doc({ type: 'table', content: [row(wide)] }))).toBe('<table><tr><td colspan="2" style="text-align: center"><p>w</p></td></tr></table>')
  })
})
