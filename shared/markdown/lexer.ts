/**
 * marked's block lexer, configured explicitly.
 *
 * `new Lexer()` without options falls back to marked's process-wide defaults,
 * which `marked.use()` anywhere in the process would change. Passing a fresh
 * `getDefaults()` object each time keeps the conversion independent of that
 * global state (the lexer also writes its tokenizer into the options object,
 * so the object must not be shared between lexers).
 */
import { Lexer, getDefaults, type Links, type Token, type TokensList } from 'marked'

function options() {
  return { ...getDefaults(), gfm: true, breaks: false, pedantic: false }
}

/**
 * Lexes markdown into block tokens with their inline tokens filled in.
 * `links` seeds the reference-link table, so a streaming caller that lexes
 * only the unfinished tail still resolves definitions it saw earlier.
 */
export function lexMarkdown(src: string, links?: Links): TokensList {
  const lexer = new Lexer(options())
  if (links) {
    const table: Links = Object.create(null)
    lexer.tokens.links = Object.assign(table, links)
  }
  return lexer.lex(src)
}

/** Lexes one line for its inline syntax only: no headings, lists or quotes. */
export function lexInline(src: string): Token[] {
  return Lexer.lexInline(src, options())
}
