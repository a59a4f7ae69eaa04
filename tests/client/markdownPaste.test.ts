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
import { cleanPasted } from '../../client/src/editor/paste/pastedContent.ts'

const schema = documentSchema()

/** A document of one paragraph `text`, the caret at `caret` characters into it. */
function stateWith(text: string, caret: number): EditorState {
  const doc = schema.node('doc', null, [schema.node('paragraph', null, text ? [schema.text(text)] : [])])
  const state = EditorState.create({ doc })
  return state.apply(state.tr.setSelection(TextSelection.create(doc, 1 + caret)))
}

function paste(state: EditorState, markdown: string) {
  const slice = markdownSlice(markdown, schema, state.selection.$from)
  if (!slice) throw new Error('no slice')
  const doc = state.apply(state.tr.replaceSelection(slice)).doc
  doc.check()
  return doc.toJSON()
}

type Json = { type: string; text?: string; content?: Json[]; marks?: { type: string }[] }

/** Blocks as `type(text)`, nested: enough to see where each line went. */
function outline(doc: Json): string {
  const walk = (node: Json): string => (node.type === 'text' ? (node.text ?? '') : `${node.type}(${(node.content ?? []).map(walk).join(node.content?.every((c) => c.type === 'text') ? '' : ' ')})`)
  return (doc.content ?? []).map(walk).join(' ')
}

/** A bullet list whose one item holds `text`, the caret `caret` characters into it. */
function stateInListItem(text: string, caret: number): EditorState {
  const doc = schema.node('doc', null, [schema.node('bulletList', null, [schema.node('listItem', null, [schema.node('paragraph', null, [schema.text(text)])])])])
  const state = EditorState.create({ doc })
  return state.apply(state.tr.setSelection(TextSelection.create(doc, 3 + caret)))
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

  test('one line is read for its inline syntax only: a "#", "- " or "1. " it starts with stays text in the sentence', () => {
    expect(outline(paste(stateWith('Seehere', 3), ' # of items in `list` '))).toBe('paragraph(See # of items in list here)')
    const doc = paste(stateWith('ab', 1), '1. Intro with **bold**')
    expect(outline(doc)).toBe('paragraph(a1. Intro with boldb)')
    expect(JSON.stringify(doc)).toContain('"marks":[{"type":"bold"}],"text":"bold"')
    expect(outline(paste(stateWith('ab', 1), '- item `x`'))).toBe('paragraph(a- item xb)')
  })

  test('a list, a heading or a quote pasted mid-paragraph arrives whole, splitting the paragraph; a first or last line of text merges', () => {
    expect(outline(paste(stateWith('Hello world', 6), '- a\n- b'))).toBe('paragraph(Hello ) bulletList(listItem(paragraph(a)) listItem(paragraph(b))) paragraph(world)')
    expect(outline(paste(stateWith('Hello world', 6), '# Title\n\nbody'))).toBe('paragraph(Hello ) heading(Title) paragraph(bodyworld)')
    expect(outline(paste(stateWith('Hello world', 6), 'first **line**\n\n> quoted'))).toBe('paragraph(Hello first line) blockquote(paragraph(quoted)) paragraph(world)')
  })

  test('a list pasted into a list item joins that list', () => {
    expect(outline(paste(stateInListItem('onetwo', 3), '- a\n- b'))).toBe('bulletList(listItem(paragraph(onea)) listItem(paragraph(btwo)))')
  })

  test('a byte order mark and Windows line ends change nothing', () => {
    expect(outline(paste(stateWith('', 0), '\uFEFF# T\r\n\r\n- a\r\n- b'))).toBe('heading(T) bulletList(listItem(paragraph(a)) listItem(paragraph(b)))')
  })

  test('a table pasted mid-paragraph arrives whole, splitting the paragraph', () => {
    const doc = paste(stateWith('leftright', 4), '| a | b |\n| --- | --- |\n| 1 | 2 |')
    const types = (doc.content as { type: string }[]).map((node) => node.type)
    expect(types).toEqual(['paragraph', 'table', 'paragraph'])
  })
})

describe('pasted HTML, cleaned', () => {
  test('table cells lose the pixel widths a page gave them', () => {
    const cell = schema.node('tableCell', { colwidth: [80] }, [schema.node('paragraph', null, [schema.text('c')])])
    const slice = new Slice(schema.node('table', null, [schema.node('tableRow', null, [cell])]).content, 0, 0)
    expect(cleanPasted(slice, schema).content.firstChild?.firstChild?.attrs['colwidth']).toBeNull()
  })

  test('links keep only their address and title; unsafe addresses lose the link and keep the text', () => {
    const link = schema.marks.link!
    const evil = schema.text('evil', [link.create({ href: 'javascript:alert(1)' })])
    const good = schema.text('good', [link.create({ href: 'https://example.com', target: '_self', rel: 'opener', class: 'popover' })])
    const slice = new Slice(schema.node('paragraph', null, [evil, good]).content, 0, 0)
    const cleaned = cleanPasted(slice, schema)
    const [first, second] = [cleaned.content.child(0), cleaned.content.child(1)]
    expect(first.text).toBe('evil')
    expect(first.marks).toEqual([])
    expect(second.marks[0]?.attrs).toMatchObject({ href: 'https://example.com', target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title: null })
  })
})
