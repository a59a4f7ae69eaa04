import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DOC_FIELD, documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'
import { docText } from '../../server/ai/docText.ts'
import { allTexts } from '../ai-writer/inspect.ts'

const schema = documentSchema()

function docOf(md: string): { doc: Y.Doc; fragment: Y.XmlFragment } {
  const doc = new Y.Doc()
  const fragment = doc.getXmlFragment(DOC_FIELD)
  prosemirrorJSONToYXmlFragment(schema, { type: 'doc', content: markdownToBlocks(md, schema) }, fragment)
  return { doc, fragment }
}

const MD = 'Intro.\n\n| Name | Qty |\n|---|---|\n| apple | 3 |\n| pear |  |\n\n- [ ] todo\n- [x] done\n  - [ ] nested\n\nAfter.'

describe('docText', () => {
  it('gives tables as GFM rows and task items with their checkboxes', () => {
    const { doc, fragment } = docOf(MD)
    expect(docText(doc, fragment).text).toBe(
      'Intro.\n\n| Name | Qty |\n| --- | --- |\n| apple | 3 |\n| pear |  |\n\n- [ ] todo\n\n- [x] done\n\n  - [ ] nested\n\nAfter.',
    )
  })

  it('reads back as the same structure, so a rewrite of a table comes back as a table', () => {
    const { doc, fragment } = docOf(MD)
    const types = (blocks: ReturnType<typeof markdownToBlocks>): unknown => JSON.stringify(blocks).match(/"type":"(table|tableRow|tableHeader|tableCell|taskList|taskItem)"|"checked":(true|false)/g)
    expect(types(markdownToBlocks(docText(doc, fragment).text, schema))).toEqual(types(markdownToBlocks(MD, schema)))
  })

  it('maps every position in every text node, cells and task items included, to its character', () => {
    const { doc, fragment } = docOf(MD)
    const view = docText(doc, fragment)
    for (const text of allTexts(doc)) {
      const s = text.toString()
      for (let i = 0; i <= s.length; i++) {
        const at = view.offsetOf(Y.createRelativePositionFromTypeIndex(text, i))
        expect(at).not.toBeNull()
        if (i < s.length) expect(view.text[at as number]).toBe(s[i])
      }
    }
  })

  it('maps positions between blocks and rows to where they start', () => {
    const { doc, fragment } = docOf(MD)
    const view = docText(doc, fragment)
    const table = fragment.get(1) as Y.XmlElement
    expect(view.text.slice(view.offsetOf(Y.createRelativePositionFromTypeIndex(fragment, 1)) ?? -1)).toMatch(/^\n\n\| Name/)
    expect(view.text.slice(view.offsetOf(Y.createRelativePositionFromTypeIndex(table, 1)) ?? -1)).toMatch(/^\n\| apple/)
  })
})

describe('docText: a pipe inside a cell', () => {
  it('is escaped, so the row keeps its columns, and positions after it still map to their characters', () => {
    const { doc, fragment } = docOf('| Cmd | Meaning |\n|---|---|\n| `a \\| b` | x \\| y |')
    const view = docText(doc, fragment)
    expect(view.text).toBe('| Cmd | Meaning |\n| --- | --- |\n| a \\| b | x \\| y |')
    const table = markdownToBlocks(view.text, schema)[0]
    expect(table?.content?.[1]?.content).toHaveLength(2)
    for (const text of allTexts(doc)) {
      const s = (text.toDelta() as { insert: string }[]).map((op) => op.insert).join('')
      for (let i = 0; i < s.length; i++) {
        // A caret before a pipe is before its escape.
        const at = view.offsetOf(Y.createRelativePositionFromTypeIndex(text, i)) as number
        expect(view.text.slice(at, at + (s[i] === '|' ? 2 : 1))).toBe(s[i] === '|' ? '\\|' : s[i])
      }
    }
  })
})
