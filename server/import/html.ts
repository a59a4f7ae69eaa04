/**
 * HTML → blocks of the editor schema, read with the schema's own parse rules
 * (the same ones the editor applies to pasted HTML), so whatever the schema
 * knows is kept and everything else is dropped: unknown tags leave their
 * text, scripts, styles and `<head>` leave nothing.
 *
 * The HTML is anyone's file. It is parsed in a happy-dom window that never
 * runs a script (neither `<script>` nor `on…` attributes), never loads a
 * script, stylesheet, frame or image, never navigates (`<meta refresh>`), and
 * whose fetches are all refused, so importing a file cannot call out to the
 * network or into this process. Link targets pass the schema's Link rule
 * (`isAllowedUri`, i.e. safeHref); they are checked again on the result, so a
 * rule that lets something through cannot put a `javascript:` link into a
 * shared document. Tables are tidied (tidyTables), and a `<title>` names a
 * document that has no heading (withTitle).
 */
import type { JSONContent } from '@tiptap/core'
import { DOMParser as PMDOMParser, type Node as PMNode, type Schema } from '@tiptap/pm/model'
import { EditorState } from '@tiptap/pm/state'
import { fixTables } from '@tiptap/pm/tables'
import { Window } from 'happy-dom'
import { safeHref } from '../../shared/markdown/href.ts'
import { markCheckboxLists } from '../../shared/checkboxLists.ts'

const REFUSED = 'network access is disabled while importing HTML'

function isolatedWindow(): Window {
  return new Window({
    settings: {
      disableJavaScriptEvaluation: true,
      enableJavaScriptEvaluation: false,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      enableImageFileLoading: false,
      disableIframePageLoading: true,
      disableComputedStyleRendering: true,
      // "Loaded" as an empty file, so nothing waits on a request that never happens.
      handleDisabledFileLoadingAsSuccess: true,
      navigation: {
        disableMainFrameNavigation: true,
        disableChildFrameNavigation: true,
        disableChildPageNavigation: true,
        disableFallbackToSetURL: true,
      },
      fetch: {
        interceptor: {
          beforeAsyncRequest: () => Promise.reject(new Error(REFUSED)),
          beforeSyncRequest: () => {
            throw new Error(REFUSED)
          },
        },
      },
    },
  })
}

type Mark = NonNullable<JSONContent['marks']>[number]

/**
 * Drops link marks whose target is not http, https or mailto (defence in
 * depth), and gives the others the editor's own target/rel/class: a file's
 * `target="_self"` or `rel="opener"` has no business in a shared document.
 */
function safeLink(mark: Mark, schema: Schema): Mark | null {
  if (mark.type !== 'link') return mark
  const href = safeHref(String(mark.attrs?.['href'] ?? ''))
  if (href === null) return null
  const defaults = schema.marks.link!.create().attrs
  return { ...mark, attrs: { ...defaults, href, title: mark.attrs?.['title'] ?? null } }
}

function withSafeLinks(node: JSONContent, schema: Schema): JSONContent {
  const out: JSONContent = { ...node }
  if (node.marks !== undefined) {
    const marks = node.marks.map((m) => safeLink(m, schema)).filter((m) => m !== null)
    if (marks.length > 0) out.marks = marks
    else delete out.marks
  }
  if (node.content !== undefined) out.content = node.content.map((child) => withSafeLinks(child, schema))
  return out
}

/**
 * Tables as the editor keeps them: rectangular (a page's rowspan and
 * colspan can leave rows short, which the editor would otherwise pad on
 * first load, once per person who opens it at the same time) and without
 * the pixel widths a `<col width>` gave a column (tables here size to their
 * content).
 */
function tidyTables(doc: PMNode): JSONContent {
  const fixed = fixTables(EditorState.create({ doc }))?.doc ?? doc
  const json = JSON.stringify(fixed.toJSON(), (key, value: unknown) => (key === 'colwidth' ? null : value))
  return JSON.parse(json) as JSONContent
}

/**
 * A page's `<title>` names the document when nothing in it is a heading: it
 * becomes the first line, a heading, so the document is listed and found by
 * its name (the title of a document is its first heading or line).
 */
function withTitle(doc: PMNode, title: string, schema: Schema): PMNode {
  let hasHeading = false
  doc.descendants((node) => {
    hasHeading ||= node.type.name === 'heading'
    return !hasHeading
  })
  const name = title.replace(/\s+/g, ' ').trim()
  if (hasHeading || name === '' || doc.firstChild?.textContent.trim() === name) return doc
  const heading = schema.nodes.heading!.create({ level: 1 }, schema.text(name))
  const empty = doc.childCount === 1 && doc.firstChild?.type.name === 'paragraph' && doc.firstChild.content.size === 0
  return doc.copy(empty ? doc.content.replaceChild(0, heading) : doc.content.addToStart(heading))
}

/** The parsed document, or null when the parse rules produced something invalid. */
export function htmlToDoc(html: string, schema: Schema): JSONContent | null {
  const window = isolatedWindow()
  try {
    const dom = new window.DOMParser().parseFromString(html, 'text/html')
    markCheckboxLists(dom.body as unknown as Element)
    const parsed: PMNode = PMDOMParser.fromSchema(schema).parse(dom.body as unknown as globalThis.Node)
    const tidy = tidyTables(withTitle(parsed, dom.title ?? '', schema))
    const json = withSafeLinks(tidy, schema)
    schema.nodeFromJSON(json).check()
    return json
  } catch {
    return null
  } finally {
    window.happyDOM.abort()
    window.close()
  }
}
