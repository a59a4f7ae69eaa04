/**
 * What pasted HTML keeps beyond what the schema's parse rules let in.
 *
 * Links keep their address and title and nothing else. The schema's link
 * mark has `target`, `rel` and `class` attributes, and Tiptap reads every
 * attribute straight from the pasted element. A page's `rel="opener"` or
 * `target="_self"` would then override the editor's `target="_blank"
 * rel="noopener noreferrer nofollow"` for everyone who opens the document,
 * and its classes would pick up this app's styles. The parse rule already
 * refuses addresses outside http, https and mailto; this drops the rest of
 * what the page said about the link (and re-checks the address, so the rule
 * holds whatever parsed it).
 *
 * Table cells lose the pixel widths a page's `<col width>` or
 * `data-colwidth` gave them: tables here size to their content (columns are
 * not resizable), and a pasted width would fix a column for everyone.
 */
import { Fragment, Slice, type Mark, type Node as PMNode, type Schema } from '@tiptap/pm/model'
import { safeHref } from '../../../../shared/markdown/href.ts'

export function cleanPasted(slice: Slice, schema: Schema): Slice {
  const link = schema.marks.link
  const cleanMarks = (marks: readonly Mark[]): readonly Mark[] =>
    marks.flatMap((mark) => {
      if (mark.type !== link) return [mark]
      const href = safeHref(String(mark.attrs.href ?? ''))
      const title = typeof mark.attrs.title === 'string' && mark.attrs.title !== '' ? mark.attrs.title : null
      return href === null ? [] : [link.create({ href, title })]
    })
  const cleanNode = (node: PMNode): PMNode => {
    if (node.isText) return node.mark(cleanMarks(node.marks))
    const content = cleanFragment(node.content)
    if (node.attrs.colwidth != null) return node.type.create({ ...node.attrs, colwidth: null }, content, node.marks)
    return node.copy(content)
  }
  const cleanFragment = (fragment: Fragment): Fragment => {
    const nodes: PMNode[] = []
    fragment.forEach((node) => nodes.push(cleanNode(node)))
    return Fragment.fromArray(nodes)
  }
  return new Slice(cleanFragment(slice.content), slice.openStart, slice.openEnd)
}
