/**
 * Pasted Markdown as the document receives it: the slice from
 * markdownSlice.ts applied with replaceSelection, as the paste handler does,
 * to a real state of the document schema.
 */
import { describe, expect, test } from 'vitest'
import { Slice } from '@tiptap/pm/model'
import { EditorState, TextSelection } from '@tiptap/pm/state'
import { documentSchema } from '../../shared/index.ts'
import { markdownSlice } from '../../client/src/editor/paste/markdownSlice.ts'
import { cleanPastedLinks } from '../../client/src/editor/paste/pastedLinks.ts'

const schema = documentSchema()

/** A document of one paragraph `text`, the caret at `caret` characters into it. */
function stateWith(text: string, caret: number): EditorState {
  const doc = schema.node('doc', null, [schema.node('paragraph', null, text ? [schema.text(text)] : [])])
  const state = EditorState.create({ doc })
  return state.apply(state.tr.setSelection(TextSelection.create(doc, 1 + caret)))
}

function paste(state: EditorState, markdown: string) {
  const slice = markdownSlice(markdown, schema)
  if (!slice) throw new Error('no slice')
  return state.apply(state.tr.replaceSelection(slice)).doc.toJSON()
}

describe('pasting Markdown', () => {
  test('blocks arrive as headings, lists, tasks, quotes, code and tables, in an empty paragraph without leaving it behind', () => {
    const doc = paste(stateWith('', 0), '# Plan\n\n- milk\n- [x] eggs\n\n> quoted\n\n```js\nlet a = 1\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\nsee [docs](https://example.com)')
    const types = (doc.content as { type: string }[]).map((node) => node.type)
    expect(types[0]).toBe('heading')
    expect(types).toContain('bulletList')
    expect(types).toContain('taskList')
    expect(types).toContain('blockquote')
    expect(types).toContain('codeBlock')
    expect(types).toContain('table')
    expect(JSON.stringify(doc)).toContain('"href":"https://example.com"')
    expect(types.at(-1)).toBe('paragraph')
  })

  test('a single line of inline Markdown joins the paragraph at the caret', () => {
    const doc = paste(stateWith('Before after', 7), 'a **bold** [link](https://example.com) ')
    expect(doc.content).toHaveLength(1)
    const text = (doc.content[0].content as { text: string }[]).map((node) => node.text).join('')
    expect(text).toBe('Before a bold link after')
  })

  test('a table pasted mid-paragraph arrives whole, splitting the paragraph', () => {
    const doc = paste(stateWith('leftright', 4), '| a | b |\n| --- | --- |\n| 1 | 2 |')
    const types = (doc.content as { type: string }[]).map((node) => node.type)
    expect(types).toEqual(['paragraph', 'table', 'paragraph'])
  })
})

describe('links in pasted content', () => {
  test('keep only their address; unsafe addresses lose the link and keep the text', () => {
    const link = schema.marks.link!
    const evil = schema.text('evil', [link.create({ href: 'javascript:alert(1)' })])
    const good = schema.text('good', [link.create({ href: 'https://example.com', target: '_self', rel: 'opener', class: 'popover' })])
    const slice = new Slice(schema.node('paragraph', null, [evil, good]).content, 0, 0)
    const cleaned = cleanPastedLinks(slice, schema)
    const [first, second] = [cleaned.content.child(0), cleaned.content.child(1)]
    expect(first.text).toBe('evil')
    expect(first.marks).toEqual([])
    expect(second.marks[0]?.attrs).toMatchObject({ href: 'https://example.com', target: '_blank', rel: 'noopener noreferrer nofollow', class: null })
  })
})
