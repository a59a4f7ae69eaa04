/**
 * The History comparison says in words, not only in color, what was added
 * or removed (client/src/history/DiffView.tsx): a whole table, list or task
 * list added or removed carries the hidden "Removed since this version"
 * label a paragraph carries, and so does each cell of a row added or
 * removed, where a screen reader reads it.
 */
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { DiffView } from '../../client/src/history/DiffView.tsx'
import { diffDocs, type DocJson } from '../../client/src/history/versionDiff.ts'

const p = (text: string): DocJson => ({ type: 'paragraph', content: [{ type: 'text', text }] })
const cell = (text: string): DocJson => ({ type: 'tableCell', attrs: { colspan: 1, rowspan: 1 }, content: [p(text)] })
const row = (...texts: string[]): DocJson => ({ type: 'tableRow', content: texts.map(cell) })
const table = (...rows: DocJson[]): DocJson => ({ type: 'table', content: rows })
const tasks = (...texts: string[]): DocJson => ({ type: 'taskList', content: texts.map((text) => ({ type: 'taskItem', attrs: { checked: false }, content: [p(text)] })) })
const bullets = (...texts: string[]): DocJson => ({ type: 'bulletList', content: texts.map((text) => ({ type: 'listItem', content: [p(text)] })) })

/** The comparison as a screen reader reads it: hidden labels kept, tags gone. */
function spoken(version: DocJson[], now: DocJson[]): string {
  const { blocks } = diffDocs({ type: 'doc', content: version }, { type: 'doc', content: now })
  return renderToStaticMarkup(createElement(DiffView, { blocks, layout: 'inline' }))
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

describe('whole blocks added or removed are named as such', () => {
  test('a table removed', () => {
    expect(spoken([p('Intro'), table(row('a', 'b'))], [p('Intro')])).toBe('Intro Removed since this version: a b')
  })

  test('a task list and a bullet list added', () => {
    expect(spoken([p('Intro')], [p('Intro'), tasks('Book room'), bullets('Milk')])).toBe(
      'Intro Added since this version: Book room Added since this version: Milk',
    )
  })

  test('a row added: each of its cells', () => {
    expect(spoken([table(row('a', 'b'))], [table(row('a', 'b'), row('c', 'd'))])).toBe('a b Added since this version: c Added since this version: d')
  })
})
