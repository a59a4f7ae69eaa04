/**
 * SQLite's side of the document summary and search: the last editor in a
 * `docs` column, the title and plain text in `doc_text` (for snippets), and
 * the terms they are found by (`indexTerms`) in `doc_terms`, a contentless
 * FTS5 index keyed by doc_text's integer rowid (FTS5 addresses rows by
 * integer, and this gives each document id one).
 *
 * Files from before search get the column and tables on open, and the
 * titles they already have are indexed at once; a document's text joins the
 * index the next time its room stores a summary (anyone edits it). Files
 * from before `doc_terms` had FTS5 read the raw text (`doc_fts`, kept in step
 * by triggers); migration 4 replaces it.
 */
import type Database from 'better-sqlite3'
import { SNIPPET_BEFORE, SNIPPET_HEAD, SNIPPET_WINDOW, hitSnippet, indexTerms, queryTerms } from './searchQuery.ts'
import { toMeta, type MetaRow } from './metaRow.ts'
import type { SummaryWrite } from './groupCommit.ts'
import type { SearchHit, SearchOptions } from './types.ts'

const SEARCH_SCHEMA = `
CREATE TABLE doc_text (
  n INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE VIRTUAL TABLE doc_fts USING fts5(title, body, content='doc_text', content_rowid='n');
CREATE TRIGGER doc_text_ai AFTER INSERT ON doc_text BEGIN
  INSERT INTO doc_fts (rowid, title, body) VALUES (new.n, new.title, new.body);
END;
CREATE TRIGGER doc_text_ad AFTER DELETE ON doc_text BEGIN
  INSERT INTO doc_fts (doc_fts, rowid, title, body) VALUES ('delete', old.n, old.title, old.body);
END;
CREATE TRIGGER doc_text_au AFTER UPDATE ON doc_text BEGIN
  INSERT INTO doc_fts (doc_fts, rowid, title, body) VALUES ('delete', old.n, old.title, old.body);
  INSERT INTO doc_fts (rowid, title, body) VALUES (new.n, new.title, new.body);
END;
INSERT INTO doc_text (id, title, body) SELECT id, title, '' FROM docs WHERE title <> '';
`

/** Add what search needs to a file that lacks it (in one transaction). */
export function migrateSearch(db: Database.Database): void {
  db.transaction(() => {
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(docs)').all()
    if (!columns.some((c) => c.name === 'edited_by')) db.exec('ALTER TABLE docs ADD COLUMN edited_by TEXT')
    if (!db.prepare("SELECT name FROM sqlite_master WHERE name = 'doc_text'").get()) db.exec(SEARCH_SCHEMA)
  })()
}

/**
 * Migration 4: the index holds the terms `indexTerms` makes (folded words,
 * pairs of ideographs) instead of FTS5's own reading of the raw text, so
 * SQLite finds what the other stores find. The index is contentless (the
 * text is in doc_text), keyed by doc_text's rowid, and rebuilt here from
 * the text already stored.
 */
export function migrateSearchTerms(db: Database.Database): void {
  db.exec(`
    DROP TRIGGER IF EXISTS doc_text_ai;
    DROP TRIGGER IF EXISTS doc_text_ad;
    DROP TRIGGER IF EXISTS doc_text_au;
    DROP TABLE IF EXISTS doc_fts;
    DROP TABLE IF EXISTS doc_terms;
    CREATE VIRTUAL TABLE doc_terms USING fts5(terms, content='', contentless_delete=1, tokenize='ascii');
  `)
  const batch = db.prepare<[number], { n: number; title: string; body: string }>('SELECT n, title, body FROM doc_text WHERE n > ? ORDER BY n LIMIT 500')
  const add = db.prepare('INSERT INTO doc_terms (rowid, terms) VALUES (?, ?)')
  for (let rows = batch.all(0); rows.length > 0; rows = batch.all(rows.at(-1)!.n)) {
    for (const r of rows) add.run(r.n, indexTerms(r.title, r.body).join(' '))
  }
}

interface HitRow extends MetaRow {
  pos: number
  win: string
  len: number
}

export class SqliteSearch {
  private readonly setDoc
  private readonly upsertText
  private readonly dropText
  private readonly dropTerms
  private readonly addTerms
  private readonly find

  constructor(db: Database.Database) {
    this.setDoc = db.prepare('UPDATE docs SET title = @title, edited_by = coalesce(@editedBy, edited_by) WHERE id = @id')
    this.upsertText = db.prepare<{ id: string; title: string; text: string | null }, { n: number; body: string }>(
      "INSERT INTO doc_text (id, title, body) VALUES (@id, @title, coalesce(@text, '')) ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = coalesce(@text, doc_text.body) RETURNING n, body",
    )
    this.dropText = db.prepare<[string], { n: number }>('DELETE FROM doc_text WHERE id = ? RETURNING n')
    this.dropTerms = db.prepare('DELETE FROM doc_terms WHERE rowid = ?')
    this.addTerms = db.prepare('INSERT INTO doc_terms (rowid, terms) VALUES (?, ?)')
    // The window around the first word as typed, or the body's head when it is not there as typed (see hitSnippet).
    this.find = db.prepare<{ match: string; first: string; ids: string | null; limit: number; before: number; window: number; head: number }, HitRow>(`
      SELECT d.id, d.title, d.created_at, d.updated_at, d.edited_by, h.pos, h.len,
        CASE WHEN h.pos > 0 THEN substr(h.body, max(1, h.pos - @before), @window) ELSE substr(h.body, 1, @head) END AS win
      FROM (
        SELECT t.id, t.body, instr(lower(t.body), @first) AS pos, length(t.body) AS len
        FROM doc_terms JOIN doc_text t ON t.n = doc_terms.rowid
        WHERE doc_terms MATCH @match AND (@ids IS NULL OR t.id IN (SELECT value FROM json_each(@ids)))
      ) h JOIN docs d ON d.id = h.id
      ORDER BY d.updated_at DESC LIMIT @limit`)
  }

  /** Inside the caller's transaction. A summary neither creates a record nor revives a deleted one. */
  write(id: string, s: SummaryWrite): void {
    if (this.setDoc.run({ id, title: s.title, editedBy: s.editedBy }).changes === 0) return
    const row = this.upsertText.get({ id, title: s.title, text: s.text })!
    this.dropTerms.run(row.n)
    this.addTerms.run(row.n, indexTerms(s.title, row.body).join(' '))
  }

  forget(id: string): void {
    const row = this.dropText.get(id)
    if (row) this.dropTerms.run(row.n)
  }

  search(query: string, options: SearchOptions): SearchHit[] {
    const q = queryTerms(query)
    if (!q) return []
    // Each term quoted (it holds only letters, digits and marks anyway); a word is a prefix. FTS5 ANDs them.
    const match = q.terms.map((t) => `"${t.term}"${t.prefix ? '*' : ''}`).join(' ')
    const ids = options.ids ? JSON.stringify(options.ids) : null
    const rows = this.find.all({ match, first: q.firstWord, ids, limit: options.limit, before: SNIPPET_BEFORE, window: SNIPPET_WINDOW, head: SNIPPET_HEAD })
    return rows.map((r) => ({ meta: toMeta(r), snippet: hitSnippet(r, q) }))
  }
}
