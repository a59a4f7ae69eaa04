/**
 * Task lists in HTML written by others: GitHub, GitLab and most Markdown
 * renderers write a task item as `<li><input type="checkbox" checked> text`
 * (sometimes inside a `<p>`), not with Tiptap's `data-type` attributes. This
 * pass rewrites such lists into the attributes the schema's parse rules read,
 * before they run: on an imported file (server/import) and on HTML pasted
 * into the editor (client paste handling), so both read a page the same
 * way. As in the Markdown reading, a list is a task list only when every
 * item has a checkbox; a list mixing them keeps its bullets (the checkbox,
 * an empty input, leaves no text either way).
 */

/** The leading checkbox of a list item, directly or in its first paragraph. */
function leadingCheckbox(li: Element): Element | null {
  const first = li.firstElementChild
  const box = first?.tagName === 'P' ? first.firstElementChild : first
  return box?.tagName === 'INPUT' && box.getAttribute('type')?.toLowerCase() === 'checkbox' ? box : null
}

export function markCheckboxLists(root: Element): void {
  for (const list of Array.from(root.querySelectorAll('ul, ol'))) {
    if (list.getAttribute('data-type') === 'taskList') continue
    const items = Array.from(list.children).filter((c) => c.tagName === 'LI')
    const boxes = items.map(leadingCheckbox)
    if (items.length === 0 || boxes.some((b) => b === null)) continue
    list.setAttribute('data-type', 'taskList')
    items.forEach((li, i) => {
      const box = boxes[i] as Element
      li.setAttribute('data-type', 'taskItem')
      li.setAttribute('data-checked', String(box.hasAttribute('checked')))
      box.remove()
    })
  }
}
