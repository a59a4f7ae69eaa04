/**
 * The model's text so far, with line endings normalised as it arrives.
 *
 * marked turns `\r\n` and `\r` into `\n` before lexing; offsets into the text
 * must match the lexer's, so the buffer does the same. A `\r\n` split across
 * two tokens must still count once.
 */
export class TextBuffer {
  private text = ''
  private endsWithCR = false

  push(chunk: string): void {
    let s = chunk
    if (this.endsWithCR && s.startsWith('\n')) s = s.slice(1)
    if (chunk !== '') this.endsWithCR = chunk.endsWith('\r')
    // Called for every token: skip the regex unless there is a CR to replace.
    this.text += s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s
  }

  get value(): string {
    return this.text
  }
}
