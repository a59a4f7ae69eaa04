/**
 * Content a hostile y-websocket peer writes straight into a shared Y.Doc,
 * which the editor itself never writes: attributes of the wrong type or out
 * of range, table parts outside a table, unknown nodes, unsafe links,
 * control characters. Shared by the server's and the browser's tests.
 */
import * as Y from 'yjs'

export type Child = Y.XmlElement | Y.XmlText

export function el(name: string, attrs: Record<string, unknown>, children: Child[] = []): Y.XmlElement {
  const e = new Y.XmlElement(name)
  // Yjs stores any JSON value; its typing says string.
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v as string)
  e.insert(0, children)
  return e
}

export function text(s: string, attrs?: Record<string, unknown>): Y.XmlText {
  const t = new Y.XmlText()
  t.insert(0, s, attrs)
  return t
}

export const para = (s: string): Y.XmlElement => el('paragraph', {}, [text(s)])

/** Each: what a hostile peer writes as the whole document. */
export const HOSTILE: Record<string, () => Child[]> = {
  'a heading of level -1': () => [el('heading', { level: -1 }, [text('minus one')])],
  'a heading of level 1e9': () => [el('heading', { level: 1e9 }, [text('a billion')])],
  'a heading of level "x"': () => [el('heading', { level: 'x' }, [text('ex')])],
  'unsafe links with their own target and rel': () => [
    el('paragraph', {}, [
      text('script', { link: { href: 'javascript:alert(1)', target: '_self', rel: 'opener' } }),
      text(' data', { link: { href: ' data:text/html,<script>alert(1)</script>' } }),
      text(' odd', { link: 'not an object', bold: 5 }),
    ]),
  ],
  'task items ticked "yes" and 7': () => [el('taskList', {}, [el('taskItem', { checked: 'yes' }, [para('yes')]), el('taskItem', { checked: 7 }, [])])],
  'a row, and a cell with absurd spans, outside any table': () => [
    el('tableRow', {}, [el('tableCell', {}, [para('lone row')])]),
    el('tableCell', { colspan: 1000, rowspan: -1, colwidth: ['x'] }, [text('lone cell')]),
  ],
  'tables: empty, of text, irregular, with a huge colspan': () => [
    el('table', {}),
    el('table', {}, [text('text in a table')]),
    el('table', {}, [
      el('tableRow', {}, [el('tableCell', { colspan: 1e9 }, [para('a|b')]), el('tableHeader', { rowspan: 'x' }, [para('c')])]),
      el('tableRow', {}),
      el('tableRow', {}, [el('tableCell', {}, [para('1')]), el('tableCell', {}, [para('2')]), el('tableCell', {}, [para('3')])]),
    ]),
  ],
  'unknown nodes': () => [el('script', { src: 'x' }, [text('alert(1)')]), el('iframe', {}, [para('inside')])],
  'lists with odd starts and code with an object language': () => [
    el('orderedList', { start: 1e300 }, [el('listItem', {}, [para('far')])]),
    el('orderedList', { start: '"><script>' }, [el('listItem', {}, [para('quoted')])]),
    el('codeBlock', { language: { a: 1 } }, [text('code')]),
  ],
  'NUL and bidi control characters': () => [para('a\u0000b \u202eevil\u202c \u2066iso\u2069')],
}
