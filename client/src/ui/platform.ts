/** "⌘" on Apple platforms, "Ctrl" elsewhere, for shortcut hints. */
export function modKeyLabel(): string {
  return /Mac|iPhone|iPad/i.test(navigator.platform || navigator.userAgent) ? '⌘' : 'Ctrl'
}

export function shortcutHint(keys: string): string {
  return keys.replace('Mod', modKeyLabel())
}
