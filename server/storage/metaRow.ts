import type { DocMeta } from './types.ts'

/** A `docs` row as SQLite and PostgreSQL return it (PostgreSQL's BIGINTs come back as strings). */
export interface MetaRow {
  id: string
  title: string
  created_at: number | string
  updated_at: number | string
  edited_by: string | null
}

/** The columns of a `MetaRow`, for SELECTs. */
export const META_COLUMNS = 'id, title, created_at, updated_at, edited_by'

export function toMeta(r: MetaRow): DocMeta {
  return { id: r.id, title: r.title, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), editedBy: r.edited_by }
}
