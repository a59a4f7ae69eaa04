import { describe, expect, test } from 'vitest'
import { INVALID_MESSAGE, REFUSED_MESSAGE, normalizeHref } from '../../client/src/editor/links/linkHref.ts'

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
    ['http://例え.jp/パス', 'http://例え.jp/パス'],
    ['münchen.de', 'https://münchen.de'],
    // A pasted address with a line break or tab in it: browsers drop them, so does the field.
    ['https://exa\tmple.com/a\nb', 'https://example.com/ab'],
    [`https://example.com/${'a'.repeat(4000)}`, `https://example.com/${'a'.repeat(4000)}`],
  ])('%s → %s', (typed, href) => {
    expect(normalizeHref(typed)).toEqual({ ok: true, href })
  })

  test.each(['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' \t javascript:alert(1)', 'java\nscript:alert(1)', '\u0000javascript:alert(1)', 'javascript\u200b:alert(1)', 'data:text/html,<script>1</script>', 'ftp://example.com', 'vbscript:x', 'https:', 'file:///etc/passwd', 'not a link', '/relative/path', '#top'])(
    'refuses %s with a message',
    (typed) => {
      expect(normalizeHref(typed)).toEqual({ ok: false, message: REFUSED_MESSAGE })
    },
  )

  test.each(['http://exa mple.com', 'https://exa mple.com/x', 'mailto:'])('refuses the incomplete %s with a message', (typed) => {
    expect(normalizeHref(typed)).toEqual({ ok: false, message: INVALID_MESSAGE })
  })

  test('an empty field asks for an address', () => {
    expect(normalizeHref('   ')).toEqual({ ok: false, message: 'Enter an address.' })
  })
})
