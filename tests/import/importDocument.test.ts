import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { documentSchema } from '../../shared/editorSchema.ts'
import { importDocument, notText } from '../../server/import/index.ts'

const schema = documentSchema()
const valid = (doc: ReturnType<typeof importDocument>): void => schema.nodeFromJSON(doc).check()

describe('importDocument', () => {
  it('gives one empty paragraph for an empty or blank file, in both formats', () => {
    for (const format of ['md', 'html'] as const) {
      for (const text of ['', '   \n', '<!-- c -->']) expect(importDocument(format, text)).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] })
    }
  })

  it('reads Markdown with the product Markdown reading', () => {
    expect(importDocument('md', '- [x] done')).toEqual({
      type: 'doc',
      content: [{ type: 'taskList', content: [{ type: 'taskItem', attrs: { checked: true }, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'done' }] }] }] }],
    })
  })

  it('reads HTML with the schema parse rules: known structure kept, the rest leaves its text', () => {
    const doc = importDocument('html', '<html><head><title>T</title><style>p{}</style></head><body><h2>H</h2><div><span>in <b>span</b></span></div><table><tr><th>a</th></tr><tr><td>1</td></tr></table><custom-el>kept</custom-el></body></html>')
    valid(doc)
    const json = JSON.stringify(doc)
    expect(json).toContain('"heading"')
    expect(json).toContain('"tableHeader"')
    expect(json).toContain('"bold"')
    expect(json).toContain('kept')
    expect(json).not.toContain('"T"')
    expect(json).not.toContain('p{}')
  })

  it('keeps only http, https and mailto links from HTML, however the target is spelled', () => {
    const doc = importDocument('html', '<p><a href="javascript:alert(1)">a</a><a href="&#106;avascript:alert(1)">b</a><a href="data:text/html,x">c</a><a href="/rel">d</a><a href=" JaVa\tScript:x">e</a><a href="https://ok.example" target="_self" rel="opener">f</a></p>')
    valid(doc)
    const links = JSON.stringify(doc).match(/"href":"[^"]*"/g)
    expect(links).toEqual(['"href":"https://ok.example"'])
    expect(JSON.stringify(doc)).toContain('"rel":"noopener noreferrer nofollow"')
    expect(JSON.stringify(doc)).toContain('"text":"abcde"')
  })
})

describe('files as people have them', () => {
  const outline = (doc: ReturnType<typeof importDocument>): string =>
    (doc.content ?? []).map((b) => `${b.type}:${(JSON.stringify(b).match(/"text":"[^"]*"/g) ?? []).map((t) => t.slice(8, -1)).join('')}`).join(' | ')

  it('drops a byte order mark and reads Windows line ends, in both formats', () => {
    expect(outline(importDocument('md', '\uFEFF# Title\r\n\r\n- a\r\n- b\r\n'))).toBe('heading:Title | bulletList:ab')
    expect(outline(importDocument('html', '\uFEFF<h1>Title</h1>\r\n<p>x</p>'))).toBe('heading:Title | paragraph:x')
  })

  it('drops control characters, which no editor shows', () => {
    expect(JSON.stringify(importDocument('md', 'a\u0007b\u001bc\u007f\u0085d\tend'))).toContain('"text":"abcd\\tend"')
  })

  it('reads a .md file that is an HTML page as HTML, and a .html file without a tag as Markdown', () => {
    expect(outline(importDocument('md', '<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body><h1>Head</h1><p>para</p></body></html>'))).toBe('heading:Head | paragraph:para')
    expect(outline(importDocument('html', '# Title\n\n- a\n- b'))).toBe('heading:Title | bulletList:ab')
  })

  it('names an HTML page without a heading by its <title>, and leaves one with a heading as it is', () => {
    const page = (body: string) => `<html><head><title> Quarterly  report </title></head><body>${body}</body></html>`
    expect(outline(importDocument('html', page('<p>First.</p>')))).toBe('heading:Quarterly report | paragraph:First.')
    expect(outline(importDocument('html', page('')))).toBe('heading:Quarterly report')
    expect(outline(importDocument('html', page('<p>First.</p><h2>Later</h2>')))).toBe('paragraph:First. | heading:Later')
    expect(outline(importDocument('html', page('<p>Quarterly report</p>')))).toBe('paragraph:Quarterly report')
  })

  it('keeps no script or style of raw HTML in Markdown as text', () => {
    expect(outline(importDocument('md', '<script>alert(1)</script>\n\ntext <script>x()</script> more <style>p{}</style>\n\n<div><title>T</title>kept</div>'))).toBe('paragraph:text  more | paragraph:kept')
  })

  it('makes tables rectangular and drops the column widths of a page', () => {
    const doc = importDocument('html', '<table><colgroup><col width="50"></colgroup><tr><th>a</th><td>b</td><td>c</td></tr><tr><td rowspan="2">tall</td><td colspan="2">wide</td></tr><tr><td>x</td></tr></table>')
    valid(doc)
    const rows = doc.content?.[0]?.content ?? []
    const width = (row: (typeof rows)[number]): number => (row.content ?? []).reduce((n, cell) => n + Number(cell.attrs?.['colspan'] ?? 1), 0)
    // The last row, under the tall cell, had only "x": an empty cell now fills it (the page left it short).
    expect(rows.map(width)).toEqual([3, 3, 2])
    expect(JSON.stringify(doc)).not.toMatch(/"colwidth":\[/)
  })

  it('tells a binary file from text', () => {
    expect(notText('\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR')).toMatch(/NUL/)
    expect(notText('\ufffd\ufffdJFIF\ufffd\ufffd\u0001\u0002'.repeat(20))).toMatch(/not UTF-8/)
    expect(notText('# Café\n\nNaïve text with one odd \ufffd character in it, and tabs\tand\r\nlines.')).toBeNull()
    expect(notText('')).toBeNull()
  })
})

describe('HTML import is inert', () => {
  let server: Server
  let base = ''
  const requests: string[] = []
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '')
      res.end('globalThis.__importPwned = "fetched"')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('runs no script, no event handler, and makes no request', async () => {
    const g = globalThis as { __importPwned?: string }
    const html = [
      '<script>globalThis.__importPwned = "inline"</script>',
      `<script src="${base}/script.js"></script>`,
      `<img src="${base}/img.png" onerror="globalThis.__importPwned = 'onerror'">`,
      '<img src="x" onerror="globalThis.__importPwned = \'onerror2\'">',
      `<link rel="stylesheet" href="${base}/style.css">`,
      `<iframe src="${base}/frame"></iframe>`,
      `<meta http-equiv="refresh" content="0; url=${base}/refresh">`,
      `<body onload="globalThis.__importPwned = 'onload'"><p>text</p><svg onload="globalThis.__importPwned='svg'"></svg></body>`,
    ].join('\n')
    const doc = importDocument('html', html)
    valid(doc)
    expect(JSON.stringify(doc)).toContain('text')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(g.__importPwned).toBeUndefined()
    expect(requests).toEqual([])
  })

  it('stays linear on a large file', () => {
    const big = '<p>word <b>bold</b> <a href="https://x.example">l</a></p>'.repeat(5_000)
    const start = performance.now()
    const doc = importDocument('html', big)
    expect(doc.content).toHaveLength(5_000)
    expect(performance.now() - start).toBeLessThan(15_000)
  })
})

describe('task lists from other renderers', () => {
  const task = (checked: boolean, text: string) => ({ type: 'taskItem', attrs: { checked }, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] })

  it('reads GitHub-style checkbox lists as task lists, nested too', () => {
    const html =
      '<ul class="contains-task-list"><li class="task-list-item"><input type="checkbox" disabled> todo</li>' +
      '<li class="task-list-item"><p><input type="checkbox" checked disabled> done</p><ul><li><input type="checkbox"> sub</li></ul></li></ul>'
    expect(importDocument('html', html).content).toEqual([
      { type: 'taskList', content: [task(false, 'todo'), { ...task(true, 'done'), content: [...task(true, 'done').content, { type: 'taskList', content: [task(false, 'sub')] }] }] },
    ])
  })

  it('keeps a list that mixes checkbox and plain items as bullets', () => {
    const doc = importDocument('html', '<ul><li><input type="checkbox" checked> a</li><li>b</li></ul>')
    valid(doc)
    expect(doc.content?.[0]?.type).toBe('bulletList')
  })
})
