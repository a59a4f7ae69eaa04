/**
 * marked list tokens → `bulletList` / `orderedList` / `taskList`.
 *
 * A list whose items are all tasks (`- [ ] …`, `- [x] …`) becomes a
 * `taskList` of `taskItem {checked}`. A list that mixes task and plain items
 * is split into runs: consecutive tasks form a task list, consecutive plain
 * items a bullet (or ordered) list. That is what a GFM reader sees on GitHub
 * (checkboxes only on the task items, bullets on the others); making the
 * plain items unchecked tasks would invent checkboxes nobody wrote, and
 * making the tasks bullets would lose their state. An ordered run after a
 * task run keeps its numbering (its `start` counts the items before it).
 */
import type { Node as PMNode, Schema } from '@tiptap/pm/model'
import type { Token, Tokens } from 'marked'

type Children = (tokens: readonly Token[]) => PMNode[]

function paragraph(schema: Schema, content: readonly PMNode[]): PMNode {
  return schema.nodes.paragraph!.create(null, content)
}

/** Item content that the schema accepts: `paragraph block*`. */
function itemContent(item: Tokens.ListItem, schema: Schema, children: Children): PMNode[] {
  const content = children(item.tokens.filter((t) => t.type !== 'checkbox'))
  const first = content[0]
  if (first?.type.name === 'heading') content[0] = paragraph(schema, first.content.content)
  else if (first?.type.name !== 'paragraph') content.unshift(paragraph(schema, []))
  return content
}

/**
 * An item that is only a checkbox (`- [ ]`, or `- [x]` with nested lines
 * under it) is a task with nothing written yet. GFM wants text after the
 * box, so marked reads it as a plain item of the text "[ ]".
 */
const BARE_BOX = /^\[([ xX])\]$/

function bareBox(item: Tokens.ListItem): { checked: boolean } | null {
  if (item.task) return null
  const first = item.tokens[0]
  const box = first?.type === 'text' || first?.type === 'paragraph' ? BARE_BOX.exec((first as Tokens.Text).raw.trim()) : null
  return box ? { checked: box[1] !== ' ' } : null
}

/** The item as a task when it is one: its box's state, and its tokens without the box. */
function asTask(item: Tokens.ListItem): Tokens.ListItem {
  const box = bareBox(item)
  return box ? { ...item, task: true, checked: box.checked, tokens: item.tokens.slice(1) } : item
}

function isTask(item: Tokens.ListItem, schema: Schema): boolean {
  return item.task && schema.nodes.taskList !== undefined && schema.nodes.taskItem !== undefined
}

/** Consecutive items that are all tasks or all plain, with the index of their first item. */
function runs(items: readonly Tokens.ListItem[], schema: Schema): Array<{ task: boolean; first: number; items: Tokens.ListItem[] }> {
  const out: Array<{ task: boolean; first: number; items: Tokens.ListItem[] }> = []
  items.forEach((item, i) => {
    const task = isTask(item, schema)
    const last = out[out.length - 1]
    if (last !== undefined && last.task === task) last.items.push(item)
    else out.push({ task, first: i, items: [item] })
  })
  return out
}

export function listNodes(token: Tokens.List, schema: Schema, children: Children): PMNode[] {
  const start = typeof token.start === 'number' && Number.isSafeInteger(token.start) ? token.start : 1
  return runs(token.items.map(asTask), schema).map((run) => {
    if (run.task) {
      const items = run.items.map((item) => schema.nodes.taskItem!.create({ checked: item.checked === true }, itemContent(item, schema, children)))
      return schema.nodes.taskList!.create(null, items)
    }
    const items = run.items.map((item) => schema.nodes.listItem!.create(null, itemContent(item, schema, children)))
    if (token.ordered) return schema.nodes.orderedList!.create({ start: start + run.first }, items)
    return schema.nodes.bulletList!.create(null, items)
  })
}
