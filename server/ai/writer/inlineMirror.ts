/**
 * The writer's record of the inline content it wrote into one textblock, and
 * the reconcile step that brings it to a new desired content.
 *
 * The record lists what the writer wrote (characters by item id, hard breaks
 * by element), not what is visible now: a character a human deleted stays in
 * the record, so the writer neither re-inserts it nor loses its place.
 * Reconciling keeps the longest common prefix, reformats kept characters
 * whose marks changed (`XmlText.format`), deletes the writer's own characters
 * after the first divergence and inserts the rest right after the writer's
 * last kept item. Human characters are never touched.
 */
import type { JSONContent } from '@tiptap/core'
import * as Y from 'yjs'
import type { WriteScope } from './scope.ts'
import {
  afterItemPosition,
  charIdAt,
  deleteChild,
  idOf,
  indexAfterChar,
  insertChildAfter,
  insertTextAfter,
  isGone,
  visibleRuns,
} from './yjsItems.ts'

/** Yjs text attributes as y-prosemirror encodes marks: mark name → mark attrs. */
type TextAttrs = Record<string, Record<string, unknown>>

interface CharAtom {
  readonly kind: 'char'
  readonly ch: string
  key: string
  attrs: TextAttrs
  readonly host: Y.XmlText
  readonly client: number
  readonly clock: number
}
interface BreakAtom {
  readonly kind: 'break'
  readonly el: Y.XmlElement
}
type Atom = CharAtom | BreakAtom

type Wanted = { readonly kind: 'char'; readonly ch: string; readonly key: string; readonly attrs: TextAttrs } | { readonly kind: 'break' }

/** Where the first atom goes: into existing text at an anchor, or a new text node in a gap. */
export type InlineStart =
  | { readonly kind: 'text'; readonly text: Y.XmlText; readonly anchorIndex: () => number }
  | { readonly kind: 'gap'; readonly parent: Y.XmlElement; readonly after: Y.ID | null }

/** Where the next atom goes. `after` is the writer's own character just before a text cursor, if any. */
type Cursor =
  | { kind: 'text'; host: Y.XmlText; index: number; after: Y.ID | null }
  | { kind: 'gap'; parent: Y.XmlElement; after: Y.ID | null }

function flatten(content: readonly JSONContent[]): Wanted[] {
  const out: Wanted[] = []
  for (const node of content) {
    if (node.type === 'hardBreak') out.push({ kind: 'break' })
    if (node.type !== 'text' || typeof node.text !== 'string') continue
    const marks = node.marks ?? []
    const key = JSON.stringify(marks)
    const attrs: TextAttrs = {}
    for (const mark of marks) attrs[mark.type] = mark.attrs ?? {}
    for (const ch of node.text.split('')) out.push({ kind: 'char', ch, key, attrs })
  }
  return out
}

function isHighSurrogate(atom: Atom | undefined): boolean {
  if (atom?.kind !== 'char') return false
  const code = atom.ch.charCodeAt(0)
  return code >= 0xd800 && code <= 0xdbff
}

function commonPrefix(atoms: readonly Atom[], wanted: readonly Wanted[]): number {
  let k = 0
  while (k < atoms.length && k < wanted.length) {
    const a = atoms[k] as Atom
    const w = wanted[k] as Wanted
    if (a.kind !== w.kind || (a.kind === 'char' && w.kind === 'char' && a.ch !== w.ch)) break
    k++
  }
  // Never split a surrogate pair between two Yjs items: each item is encoded
  // as UTF-8 on its own, and a lone surrogate would become U+FFFD.
  if (k > 0 && (k < atoms.length || k < wanted.length) && isHighSurrogate(atoms[k - 1])) k--
  return k
}

/** `attrs` plus null for every other mark of the schema, so `format` leaves exactly these marks. */
function exactAttrs(scope: WriteScope, attrs: TextAttrs): Record<string, Record<string, unknown> | null> {
  const out: Record<string, Record<string, unknown> | null> = {}
  for (const name of Object.keys(scope.schema.marks)) out[name] = null
  return Object.assign(out, attrs)
}

/** Attributes for `format` that turn `from` into exactly `to` (null removes a mark). */
function formatAttrs(from: TextAttrs, to: TextAttrs): Record<string, Record<string, unknown> | null> {
  const out: Record<string, Record<string, unknown> | null> = { ...to }
  for (const name of Object.keys(from)) if (!(name in to)) out[name] = null
  return out
}

export class InlineMirror {
  private readonly atoms: Atom[] = []
  /** The text node created at a gap start; reused when writing from the start again. */
  private startText: Y.XmlText | null = null

  constructor(private readonly start: InlineStart) {}

  /** The textblock this content lives in was deleted: nothing more can be written here. */
  gone(): boolean {
    const block = this.start.kind === 'text' ? this.start.text.parent : this.start.parent
    return block === null || isGone(block)
  }

  reconcile(scope: WriteScope, content: readonly JSONContent[]): void {
    if (this.gone()) return
    const wanted = flatten(content)
    const k = commonPrefix(this.atoms, wanted)
    this.reformat(wanted, k)
    this.truncate(scope, k)
    this.append(scope, wanted.slice(k))
  }

  /** Removes everything this mirror wrote (used when a block changes type). */
  deleteOwn(scope: WriteScope): void {
    if (!this.gone()) this.truncate(scope, 0)
  }

  lastPosition(): Y.RelativePosition | null {
    const last = this.atoms[this.atoms.length - 1]
    if (last === undefined) return null
    if (last.kind === 'char') return afterItemPosition(Y.createID(last.client, last.clock))
    const id = idOf(last.el)
    return id === null ? null : afterItemPosition(id)
  }

  private reformat(wanted: readonly Wanted[], k: number): void {
    const changes = new Map<Y.XmlText, Map<string, string>>()
    const attrsByKey = new Map<string, Record<string, Record<string, unknown> | null>>()
    for (let i = 0; i < k; i++) {
      const atom = this.atoms[i] as Atom
      const want = wanted[i] as Wanted
      if (atom.kind !== 'char' || want.kind !== 'char' || atom.key === want.key) continue
      const attrs = formatAttrs(atom.attrs, want.attrs)
      const groupKey = JSON.stringify(attrs)
      attrsByKey.set(groupKey, attrs)
      const perHost = changes.get(atom.host) ?? new Map<string, string>()
      perHost.set(`${atom.client}:${atom.clock}`, groupKey)
      changes.set(atom.host, perHost)
      atom.key = want.key
      atom.attrs = want.attrs
    }
    for (const [host, perChar] of changes) {
      if (isGone(host)) continue
      for (const run of visibleRuns(host, (client, clock) => perChar.get(`${client}:${clock}`) ?? null)) {
        host.format(run.index, run.length, attrsByKey.get(run.key) ?? {})
      }
    }
  }

  private truncate(scope: WriteScope, k: number): void {
    const removed = this.atoms.splice(k)
    if (removed.length === 0) return
    const doomed = new Map<Y.XmlText, Set<string>>()
    for (const atom of removed) {
      if (atom.kind === 'break') {
        deleteChild(scope.tr, atom.el)
        continue
      }
      const set = doomed.get(atom.host) ?? new Set<string>()
      set.add(`${atom.client}:${atom.clock}`)
      doomed.set(atom.host, set)
    }
    for (const [host, set] of doomed) {
      if (isGone(host)) continue
      const runs = visibleRuns(host, (client, clock) => (set.has(`${client}:${clock}`) ? 'x' : null))
      for (let i = runs.length - 1; i >= 0; i--) {
        const run = runs[i] as { index: number; length: number }
        host.delete(run.index, run.length)
      }
    }
    // A text node the writer created and emptied stays: a human may be typing
    // into it right now, and an empty text node shows as nothing.
  }

  private cursorAfter(scope: WriteScope, k: number): Cursor | null {
    const last = this.atoms[k - 1]
    if (last === undefined) {
      if (this.start.kind === 'gap') {
        // Two adjacent text nodes would be merged by y-prosemirror on the
        // client that created both, so write into the one made before.
        const text = this.startText
        if (text !== null && !isGone(text)) return { kind: 'text', host: text, index: 0, after: null }
        return { kind: 'gap', parent: this.start.parent, after: this.start.after }
      }
      const text = this.start.text
      if (!isGone(text)) return { kind: 'text', host: text, index: Math.max(0, Math.min(text.length, this.start.anchorIndex())), after: null }
      return this.gapAfter(text)
    }
    if (last.kind === 'break') return this.gapAfter(last.el)
    if (isGone(last.host)) return this.gapAfter(last.host)
    return { kind: 'text', host: last.host, index: indexAfterChar(scope.doc, last.host, last.client, last.clock), after: Y.createID(last.client, last.clock) }
  }

  /** A human deleted the text node: continue in a new one right after it. */
  private gapAfter(child: Y.XmlText | Y.XmlElement): Cursor | null {
    const parent = child.parent
    return parent instanceof Y.XmlElement ? { kind: 'gap', parent, after: idOf(child) } : null
  }

  private append(scope: WriteScope, wanted: readonly Wanted[]): void {
    if (wanted.length === 0) return
    let cursor = this.cursorAfter(scope, this.atoms.length)
    let i = 0
    while (i < wanted.length && cursor !== null) {
      const first = wanted[i] as Wanted
      if (first.kind === 'break') {
        cursor = this.insertBreak(scope, cursor)
        i++
        continue
      }
      let text = ''
      while (i < wanted.length) {
        const w = wanted[i] as Wanted
        if (w.kind !== 'char' || w.key !== first.key) break
        text += w.ch
        i++
      }
      cursor = this.insertChars(scope, cursor, text, first.key, first.attrs)
    }
  }

  private insertChars(scope: WriteScope, cursor: Cursor, text: string, key: string, attrs: TextAttrs): Cursor {
    let at = cursor
    if (at.kind === 'gap') {
      const created = new Y.XmlText()
      insertChildAfter(scope.tr, at.parent, at.after, created)
      if (this.start.kind === 'gap' && this.atoms.length === 0) this.startText = created
      at = { kind: 'text', host: created, index: 0, after: null }
    }
    let first: Y.ID | null
    if (at.after !== null) {
      // Hang the text off the writer's own last character (see insertTextAfter), then set its marks.
      first = insertTextAfter(scope.tr, at.host, at.after, text)
      at.host.format(at.index, text.length, exactAttrs(scope, attrs))
    } else {
      // Yjs writes the attributes it negates into the object it is given.
      at.host.insert(at.index, text, { ...attrs })
      first = charIdAt(at.host, at.index)
    }
    if (first !== null) {
      for (let j = 0; j < text.length; j++) {
        this.atoms.push({ kind: 'char', ch: text[j] as string, key, attrs, host: at.host, client: first.client, clock: first.clock + j })
      }
    }
    const last = this.atoms[this.atoms.length - 1]
    const after = last?.kind === 'char' ? Y.createID(last.client, last.clock) : null
    return { kind: 'text', host: at.host, index: at.index + text.length, after }
  }

  /**
   * A hard break is an element beside text nodes, so it can only follow a
   * whole text node: inline in the middle of a human's text, the human's text
   * after the anchor stays before the AI's first break (known limitation).
   */
  private insertBreak(scope: WriteScope, cursor: Cursor): Cursor | null {
    const place = cursor.kind === 'gap' ? cursor : this.gapAfter(cursor.host)
    if (place === null || place.kind !== 'gap') return null
    const br = new Y.XmlElement('hardBreak')
    insertChildAfter(scope.tr, place.parent, place.after, br)
    this.atoms.push({ kind: 'break', el: br })
    return { kind: 'gap', parent: place.parent, after: idOf(br) }
  }
}
