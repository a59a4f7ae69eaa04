import { describe, expect, test } from 'vitest'
import { REFUSED_MESSAGE, normalizeHref } from '../../client/src/editor/links/linkHref.ts'

describe('normalizeHref: what the link field accepts', () => {
  test.each([
    ['https://example.com/a?b=1#c', 'https://example.com/a?b=1#c'],
    ['  http://example.com  ', 'http://example.com'],
    ['mailto:ann@example.com', 'mailto:ann@example.com'],
    ['example.com', 'https://example.com'],
    ['docs.example.com/guide?x=1', 'https://docs.example.com/guide?x=1'],
    ['example.com:8080/x', 'https://example.com:8080/x'],
    ['localhost:3000', 'https://localhost:3000'],
    ['//cdn.example.com/x', 'https://cdn.example.com/x'],
    ['ann@example.com', 'mailto:ann@example.com'],
  ])('%s → %s', (typed, href) => {
    expect(normalizeHref(typed)).toEqual({ ok: true, href })
  })

  test.each(['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>1</script>', 'ftp://example.com', 'vbscript:x', 'https:', 'file:///etc/passwd', 'not a link', '/relative/path', '#top'])(
    'refuses %s with a message',
    (typed) => {
      expect(normalizeHref(typed)).toEqual({ ok: false, message: REFUSED_MESSAGE })
    },
  )

  test('an empty field asks for an address', () => {
    expect(normalizeHref('   ')).toEqual({ ok: false, message: 'Enter an address.' })
  })
})
