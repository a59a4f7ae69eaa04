import type { KeyboardEvent } from 'react'

// Disabled items stay focusable (WAI-ARIA menus), so a menu of them is still navigable.
const ITEM_SELECTOR = '[role="menuitem"]:not([disabled])'

export function menuItems(container: HTMLElement | null): HTMLElement[] {
  return container ? Array.from(container.querySelectorAll<HTMLElement>(ITEM_SELECTOR)) : []
}

export function focusFirstItem(container: HTMLElement | null): void {
  menuItems(container)[0]?.focus()
}

/**
 * Arrow keys, Home and End move focus between a menu's items (the WAI-ARIA
 * menu pattern); Enter and Space are left to the focused button or link.
 * Returns true when it handled the key.
 */
export function handleMenuKeyDown(event: KeyboardEvent, container: HTMLElement | null): boolean {
  const items = menuItems(container)
  if (items.length === 0) return false
  const index = items.indexOf(document.activeElement as HTMLElement)
  let next: number
  switch (event.key) {
    case 'ArrowDown':
      next = index < 0 ? 0 : (index + 1) % items.length
      break
    case 'ArrowUp':
      next = index < 0 ? items.length - 1 : (index - 1 + items.length) % items.length
      break
    case 'Home':
      next = 0
      break
    case 'End':
      next = items.length - 1
      break
    default:
      return false
  }
  event.preventDefault()
  items[next]?.focus()
  return true
}
