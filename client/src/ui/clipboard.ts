/**
 * Copies text. The async Clipboard API needs a secure context (https or
 * localhost); a self-hosted server on plain http on a LAN is common, so fall
 * back to the older selection-based copy. `container` is where the hidden
 * field for that goes: pass an open modal dialog.
 */
export async function copyText(text: string, container: HTMLElement = document.body): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // Permission denied or unsupported: try the fallback.
  }
  const textarea = document.createElement('textarea')
  textarea.value = text
  textarea.setAttribute('readonly', '')
  textarea.style.position = 'fixed'
  textarea.style.opacity = '0'
  // Inside an open modal dialog everything else is inert: copy from within it.
  container.append(textarea)
  const previousFocus = document.activeElement
  textarea.select()
  let ok = false
  try {
    ok = document.execCommand('copy')
  } catch {
    ok = false
  }
  textarea.remove()
  if (previousFocus instanceof HTMLElement) previousFocus.focus()
  return ok
}
