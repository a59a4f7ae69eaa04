/**
 * Round trip: a document with a table, nested task lists, links, nested
 * lists, underline and highlight, exported as Markdown and as HTML, each
 * compared with a committed golden file and re-imported to the same document.
 * `UPDATE_GOLDENS=1` rewrites the goldens; review their diff before committing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toHtml, toMarkdown, type PMNode } from '../../server/export/index.ts'
import { importDocument } from '../../server/import/index.ts'

const FIXTURES = join(import.meta.dirname, 'fixtures')

function golden(name: string, actual: string): void {
  const path = join(FIXTURES, name)
  if (process.env['UPDATE_GOLDENS'] === '1' || !existsSync(path)) writeFileSync(path, actual)
  expect(actual).toBe(readFileSync(path, 'utf8'))
}

const source = readFileSync(join(FIXTURES, 'rich.source.md'), 'utf8')
const doc = importDocument('md', source) as PMNode

describe('export round trip', () => {
  it('reads the source into the expected document', () => {
    golden('rich.doc.json', JSON.stringify(doc, null, 2) + '\n')
    const types = JSON.stringify(doc)
    for (const type of ['"table"', '"tableHeader"', '"taskList"', '"checked":true', '"underline"', '"highlight"', '"link"', '"orderedList"']) expect(types).toContain(type)
  })

  it('exports Markdown that matches its golden and re-imports to the same document', () => {
    const md = toMarkdown(doc)
    golden('rich.export.md', md)
    expect(importDocument('md', md)).toEqual(doc)
  })

  it('exports HTML that matches its golden and re-imports to the same document', () => {
    const html = toHtml(doc) + '\n'
    golden('rich.export.html', html)
    expect(importDocument('html', html)).toEqual(doc)
  })
})
