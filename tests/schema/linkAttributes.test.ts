/**
 * A link's target, rel and class are the product's own, whatever HTML or a
 * peer's update says: no page can store rel="opener" or a class that
 * restyles the editor, and a link always opens in a new tab.
 */
import { describe, expect, it } from 'vitest'
import { LINK_REL, LINK_TARGET, documentSchema } from '../../shared/editorSchema.ts'
import { importDocument } from '../../server/import/index.ts'

const schema = documentSchema()

function linkMarks(doc: unknown): Array<Record<string, unknown>> {
  return JSON.stringify(doc).match(/\{"type":"link","attrs":\{[^}]*\}\}/g)?.map((m) => (JSON.parse(m) as { attrs: Record<string, unknown> }).attrs) ?? []
}

describe('link attributes', () => {
  it('are not read from imported HTML', () => {
    const doc = importDocument('html', '<p><a href="https://example.com/" target="_self" rel="opener" class="evil">x</a></p>')
    expect(linkMarks(doc)).toEqual([{ href: 'https://example.com/', target: LINK_TARGET, rel: LINK_REL, class: null, title: null }])
  })

  it('render as the product own, even when a peer stored others', () => {
    const mark = schema.marks.link!.create({ href: 'https://example.com/', target: '_self', rel: 'opener', class: 'evil' })
    // The mark's own DOM spec is what the editor and the HTML export render.
    const [tag, attrs] = schema.marks.link!.spec.toDOM!(mark, true) as [string, Record<string, unknown>]
    expect(tag).toBe('a')
    expect(attrs).toMatchObject({ href: 'https://example.com/', target: LINK_TARGET, rel: LINK_REL })
    expect(attrs['class'] ?? null).toBeNull() // null attributes are not rendered
  })
})
