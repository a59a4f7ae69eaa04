import { describe, expect, test } from 'vitest'
import { looksLikeMarkdown } from '../../client/src/editor/paste/looksLikeMarkdown.ts'

describe('looksLikeMarkdown: which pasted text is converted', () => {
  test.each([
    ['heading and text', '# Plan\nShip it on Friday.'],
    ['bullet list', '- milk\n- eggs'],
    ['numbered list', '1. first\n2. second'],
    ['task list', '- [ ] call Ann\n- [x] book room'],
    ['quote', 'He said:\n> not today'],
    ['code fence', '```js\nlet a = 1\n```'],
    ['table', '| a | b |\n| --- | :-: |\n| 1 | 2 |'],
    ['a link on one line', 'see [the docs](https://example.com/docs)'],
    ['bold on one line', 'this is **important**'],
    ['inline code on one line', 'run `npm test` first'],
    ['strike on one line', 'it was ~~wrong~~'],
  ])('%s', (_, text) => {
    expect(looksLikeMarkdown(text)).toBe(true)
  })

  test.each([
    ['plain prose', 'Dear Ann,\nthank you for the flowers.\nBest, Bob'],
    ['a single numbered line', '1. Introduction'],
    ['a single hash line', '# of items: 5'],
    ['a single dash line', '- just a dash'],
    ['snake_case names', 'rename my_file_name to other_file_name'],
    ['arithmetic', '2 * 3 * 4 = 24'],
    ['a bare address', 'https://example.com/a_b_c'],
    ['empty', '   \n  '],
  ])('%s stays text', (_, text) => {
    expect(looksLikeMarkdown(text)).toBe(false)
  })
})
