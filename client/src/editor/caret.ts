/**
 * How other people's carets look. The server's AI participant is named
 * "AI · for <name>"; its caret gets its own class so it reads as a machine
 * writing, not a person.
 */
import { isHexColor, readableTextColor } from '../identity/palette.ts'

export const AI_NAME_PREFIX = 'AI ·'

export function isAiName(name: string): boolean {
  return name.startsWith(AI_NAME_PREFIX)
}

export function renderCaret(user: Record<string, unknown>): HTMLElement {
  const name = typeof user.name === 'string' ? user.name : 'Someone'
  const color = isHexColor(user.color) ? user.color : '#57534e'

  const caret = document.createElement('span')
  caret.classList.add('collaboration-carets__caret')
  if (isAiName(name)) caret.classList.add('collaboration-carets__caret--ai')
  caret.style.borderColor = color

  const label = document.createElement('div')
  label.classList.add('collaboration-carets__label')
  label.style.backgroundColor = color
  label.style.color = readableTextColor(color)
  label.textContent = name
  caret.append(label)
  return caret
}
