/**
 * Links in pasted HTML keep their address and nothing else.
 *
 * The schema's link mark has `target`, `rel` and `class` attributes, and
 * Tiptap reads every attribute straight from the pasted element. A page's
 * `rel="opener"` or `target="_self"` would then override the editor's
 * `target="_blank" rel="noopener noreferrer nofollow"` for everyone who opens
 * the document, and its classes would pick up this app's styles. The parse
 * rule already refuses addresses outside http, https and mailto; this drops
 * the rest of what the page said about the link (and re-checks the address,
 * so the rule holds whatever parsed it).
 */
import { Fragment, Slice, type Mark, type Node as PMNode, type Schema } from '@tiptap/pm/model'
import { safeHref } from '../../../../shared/markdown/href.ts'

export function cleanPastedLinks(slice: Slice, schema: Schema): Slice {
  const link = schema.marks.link
  if (!link) return slice
  const cleanMarks = (marks: readonly Mark[]): readonly Mark[] =>
    marks.flatMap((mark) => {
      if (mark.type !== link) return [mark]
      const href = safeHref(String(mark.attrs.href ?? ''))
      return href === null ? [] : [link.create({ href })]
    })
  const cleanFragment = (fragment: Fragment): Fragment => {
    const nodes: PMNode[] = []
    fragment.forEach((node) => {
      nodes.push(node.isText ? node.mark(cleanMarks(node.marks)) : node.copy(cleanFragment(node.content)))
    })
    return Fragment.fromArray(nodes)
  }
  return new Slice(cleanFragment(slice.content), slice.openStart, slice.openEnd)
}
