/** ProseMirror JSON as produced by y-tiptap from the shared document. */
export interface PMNode {
  type: string
  attrs?: Record<string, unknown>
  content?: PMNode[]
  marks?: PMMark[]
  text?: string
}

export interface PMMark {
  type: string
  attrs?: Record<string, unknown>
}
