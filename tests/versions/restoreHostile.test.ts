/**
 * A version taken while a hostile peer's content was in the document (a node
 * or mark the editor's schema does not know) still restores: what the
 * schema knows comes back, the unknown parts are left out, as every editor
 * leaves them out when it shows the document. Before, the restore answered
 * 500 for every such version.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { captureContent } from '../../server/versions/capture.ts'
import { restoreContent } from '../../server/versions/restore.ts'
import { contentOf, docWith, fragmentOf, para, schema } from '../ai-writer/helpers.ts'

function unknownElement(name: string, words: string): Y.XmlElement {
  const el = new Y.XmlElement(name)
  el.insert(0, [new Y.XmlText(words)])
  return el
}

describe('restoring a version with content the schema does not know', () => {
  it('brings back the known blocks and leaves the unknown node and mark out', () => {
    const doc = docWith(1, [para('First.'), para('Second.')])
    const fragment = fragmentOf(doc)
    fragment.insert(1, [unknownElement('script', 'alert(1)')])
    const marked = fragment.get(2) as Y.XmlElement
    ;(marked.get(0) as Y.XmlText).format(0, 6, { blink: {} })
    const version = captureContent(fragment)
    expect(JSON.stringify(version.doc)).toContain('script')

    fragment.delete(0, fragment.length)
    fragment.insert(0, [new Y.XmlElement('paragraph')])
    expect(() => restoreContent(doc, fragment, schema, version, { kind: 'restore' })).not.toThrow()
    expect(contentOf(doc)).toEqual([para('First.'), para('Second.')])
  })
})
