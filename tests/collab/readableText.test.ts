/** Search snippets read as words: the prompt view's Markdown markers go, pipes and brackets inside sentences stay. */
import { describe, expect, it } from 'vitest'
import { readableText } from '../../server/collab/roomSummary.ts'

describe('readableText', () => {
  it('drops heading, list and task markers and reads table rows as cells', () => {
    const text = ['## Budget', '| Item | Cost |', '| --- | ---: |', '| Room | 120 |', '| a \\| b |  |', '- [ ] write report', '  - [x] nested', '1. first', '* star'].join('\n')
    expect(readableText(text)).toBe(['Budget', 'Item · Cost', 'Room · 120', 'a | b', 'write report', '  nested', 'first', 'star'].join('\n'))
  })

  it('drops quote marks, code fences and dividers, keeping the words inside', () => {
    const text = ['> quoted words', '> - [ ] a task in a quote', '```', 'const x = 1', '```', '---', 'after'].join('\n')
    expect(readableText(text)).toBe(['quoted words', 'a task in a quote', 'const x = 1', 'after'].join('\n'))
  })

  it('keeps pipes and brackets inside sentences', () => {
    expect(readableText('Use ls | grep and [x] marks.')).toBe('Use ls | grep and [x] marks.')
  })
})
