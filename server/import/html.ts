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
 * shared document.
 */
import type { JSONContent } from '@tiptap/core'
import { DOMParser as PMDOMParser, type Node as PMNode, type Schema } from '@tiptap/pm/model'
import { Window } from 'happy-dom'
import { safeHref } from '../../shared/markdown/href.ts'
import { markCheckboxLists } from './checkboxLists.ts'

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

/** The parsed document, or null when the parse rules produced something invalid. */
export function htmlToDoc(html: string, schema: Schema): JSONContent | null {
  const window = isolatedWindow()
  try {
    const dom = new window.DOMParser().parseFromString(html, 'text/html')
    markCheckboxLists(dom.body as unknown as Element)
    const parsed: PMNode = PMDOMParser.fromSchema(schema).parse(dom.body as unknown as globalThis.Node)
    const json = withSafeLinks(parsed.toJSON() as JSONContent, schema)
    schema.nodeFromJSON(json).check()
    return json
  } catch {
    return null
  } finally {
    window.happyDOM.abort()
    window.close()
  }
}
