/**
 * PostgreSQL's side of the document summary and search. The title and last
 * editor sit in `docs`; the plain text (for snippets) and a `tsvector` of its
 * terms in `doc_text` under a GIN index. A table of its own, so an append,
 * which rewrites the `docs` row, never rebuilds the vector.
 *
 * The vector is built from the terms `indexTerms` makes and the query from
 * those `queryTerms` makes, both as literals: PostgreSQL's text parser (which
 * reads `ada@example.com` as one word, and letters by the server's locale)
 * has no say, so this store finds what the others find.
 */
import type pg from 'pg'
import type { AppendRequest, SummaryWrite } from './groupCommit.ts'
import { META_COLUMNS, toMeta, type MetaRow } from './metaRow.ts'
import { SNIPPET_BEFORE, SNIPPET_HEAD, SNIPPET_WINDOW, hitSnippet, indexTerms, queryTerms } from './searchQuery.ts'
import type { SearchHit, SearchOptions } from './types.ts'

// A summary neither creates a record nor revives a deleted one (as in SQLite).
const SUMMARY = `
WITH d AS (
  UPDATE docs SET title = $2, edited_by = COALESCE($4::text, edited_by) WHERE id = $1 AND deleted_at IS NULL RETURNING id
)
INSERT INTO doc_text (id, body, search)
SELECT d.id, COALESCE($3::text, ''), array_to_tsvector($5::text[]) FROM d
ON CONFLICT (id) DO UPDATE SET
  body = COALESCE($3::text, doc_text.body),
  search = array_to_tsvector($5::text[])`

// The window around the first word as typed, or the body's head when it is not there as typed (see hitSnippet).
const SEARCH = `
SELECT ${META_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')}, h.pos, h.len,
  CASE WHEN h.pos > 0 THEN substr(h.body, greatest(1, h.pos - $5), $6) ELSE substr(h.body, 1, $7) END AS win
FROM (
  SELECT t.id, t.body, strpos(lower(t.body), $2) AS pos, length(t.body) AS len
  FROM doc_text t
  WHERE t.search @@ $1::tsquery AND ($3::text[] IS NULL OR t.id = ANY($3::text[]))
) h JOIN docs d ON d.id = h.id
WHERE d.deleted_at IS NULL
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
  const title = noNul(s.title)
  const text = s.text === null ? null : noNul(s.text)
  // A title alone (setTitle) keeps the text, which its terms still need.
  const body = text ?? (await db.query<{ body: string }>('SELECT body FROM doc_text WHERE id = $1', [id])).rows[0]?.body ?? ''
  await db.query(SUMMARY, [id, title, text, s.editedBy === null ? null : noNul(s.editedBy), indexTerms(title, body)])
}

export async function searchDocs(db: pg.Pool, query: string, options: SearchOptions): Promise<SearchHit[]> {
  const q = queryTerms(query)
  if (!q) return []
  // Each term quoted (it holds only letters, digits and marks anyway); a word is a prefix. All required.
  const tsquery = q.terms.map((t) => `'${t.term}'${t.prefix ? ':*' : ''}`).join(' & ')
  const { rows } = await db.query<HitRow>(SEARCH, [tsquery, q.firstWord, options.ids ?? null, options.limit, SNIPPET_BEFORE, SNIPPET_WINDOW, SNIPPET_HEAD])
  return rows.map((r) => ({ meta: toMeta(r), snippet: hitSnippet(r, q) }))
}

/** Migration 5: every stored document's vector from its terms (before, PostgreSQL's parser read the raw text). */
export async function reindexSearchTerms(client: pg.PoolClient): Promise<void> {
  let after = ''
  for (;;) {
    const { rows } = await client.query<{ id: string; title: string; body: string }>(
      'SELECT t.id, d.title, t.body FROM doc_text t JOIN docs d ON d.id = t.id WHERE t.id > $1 ORDER BY t.id LIMIT 500',
      [after],
    )
    if (rows.length === 0) return
    for (const r of rows) await client.query('UPDATE doc_text SET search = array_to_tsvector($2::text[]) WHERE id = $1', [r.id, indexTerms(r.title, r.body)])
    after = rows.at(-1)!.id
  }
}

/** PostgreSQL text cannot hold NUL, which a document's text may contain; one would fail the statement. */
function noNul(s: string): string {
  return s.includes('\0') ? s.replaceAll('\0', '') : s
}
