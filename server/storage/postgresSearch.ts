/**
 * PostgreSQL's side of the document summary and search. The title and last
 * editor sit in `docs`; the plain text and its `tsvector` (the 'simple'
 * configuration: lower-cased words, no stemming or stop words, like SQLite's
 * FTS5 tokenizer) in `doc_text` under a GIN index. A table of its own, so an
 * append, which rewrites the `docs` row, never rebuilds the vector.
 */
import type pg from 'pg'
import type { AppendRequest, SummaryWrite } from './groupCommit.ts'
import { META_COLUMNS, toMeta, type MetaRow } from './metaRow.ts'
import { SNIPPET_BEFORE, SNIPPET_WINDOW, searchWords, windowSnippet } from './searchQuery.ts'
import type { SearchHit, SearchOptions } from './types.ts'

// A summary neither creates a record nor revives a deleted one (as in SQLite).
const SUMMARY = `
WITH d AS (
  UPDATE docs SET title = $2, edited_by = COALESCE($4::text, edited_by) WHERE id = $1 AND deleted_at IS NULL RETURNING id
)
INSERT INTO doc_text (id, body, search)
SELECT d.id, COALESCE($3::text, ''), to_tsvector('simple', $2 || ' ' || COALESCE($3::text, '')) FROM d
ON CONFLICT (id) DO UPDATE SET
  body = COALESCE($3::text, doc_text.body),
  search = to_tsvector('simple', $2 || ' ' || COALESCE($3::text, doc_text.body))`

const SEARCH = `
SELECT ${META_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')},
  strpos(lower(t.body), $2) AS pos,
  substr(t.body, greatest(1, strpos(lower(t.body), $2) - $5), $6) AS win,
  length(t.body) AS len
FROM doc_text t JOIN docs d ON d.id = t.id
WHERE t.search @@ to_tsquery('simple', $1) AND d.deleted_at IS NULL AND ($3::text[] IS NULL OR d.id = ANY($3::text[]))
ORDER BY d.updated_at DESC LIMIT $4`

interface HitRow extends MetaRow {
  pos: number
  win: string
  len: number
}

/** The summary a batch leaves behind: the last title, and the last text and editor that were given. */
export function latestSummary(requests: readonly AppendRequest[]): SummaryWrite | null {
  return requests.reduce<SummaryWrite | null>((merged, { summary: s }) => {
    if (!s) return merged
    return { title: s.title, text: s.text ?? merged?.text ?? null, editedBy: s.editedBy ?? merged?.editedBy ?? null }
  }, null)
}

export async function storeSummary(db: pg.Pool, id: string, s: SummaryWrite): Promise<void> {
  await db.query(SUMMARY, [id, noNul(s.title), s.text === null ? null : noNul(s.text), s.editedBy === null ? null : noNul(s.editedBy)])
}

export async function searchDocs(db: pg.Pool, query: string, options: SearchOptions): Promise<SearchHit[]> {
  const words = searchWords(query)
  if (words.length === 0) return []
  // Each word quoted (it holds only letters and digits anyway) and marked as a prefix, all required.
  const tsquery = words.map((w) => `'${w}':*`).join(' & ')
  const { rows } = await db.query<HitRow>(SEARCH, [tsquery, words[0], options.ids ?? null, options.limit, SNIPPET_BEFORE, SNIPPET_WINDOW])
  return rows.map((r) => ({ meta: toMeta(r), snippet: r.pos > 0 ? windowSnippet(r.win, r.pos, r.len) : null }))
}

/** PostgreSQL text cannot hold NUL, which a document's text may contain; one would fail the statement. */
function noNul(s: string): string {
  return s.includes('\0') ? s.replaceAll('\0', '') : s
}
