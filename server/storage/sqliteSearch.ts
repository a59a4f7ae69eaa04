/**
 * SQLite's side of the document summary and search: the last editor in a
 * `docs` column, and the title and plain text in an FTS5 index.
 *
 * The text lives in `doc_text`, an ordinary table the FTS5 index reads as
 * its external content (triggers keep the two in step): FTS5 addresses rows
 * by integer rowid, and this gives each document id one.
 *
 * Files from before search get the column and tables on open, and the
 * titles they already have are indexed at once; a document's text joins the
 * index the next time its room stores a summary (anyone edits it).
 */
import type Database from 'better-sqlite3'
import { SNIPPET_BEFORE, SNIPPET_WINDOW, searchWords, windowSnippet } from './searchQuery.ts'
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

interface HitRow extends MetaRow {
  pos: number
  win: string
  len: number
}

export class SqliteSearch {
  private readonly setDoc
  private readonly upsertText
  private readonly dropText
  private readonly find

  constructor(db: Database.Database) {
    this.setDoc = db.prepare('UPDATE docs SET title = @title, edited_by = coalesce(@editedBy, edited_by) WHERE id = @id')
    this.upsertText = db.prepare(
      "INSERT INTO doc_text (id, title, body) VALUES (@id, @title, coalesce(@text, '')) ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = coalesce(@text, doc_text.body)",
    )
    this.dropText = db.prepare('DELETE FROM doc_text WHERE id = ?')
    this.find = db.prepare<{ match: string; first: string; ids: string | null; limit: number; before: number; window: number }, HitRow>(`
      SELECT d.id, d.title, d.created_at, d.updated_at, d.edited_by,
        instr(lower(t.body), @first) AS pos,
        substr(t.body, max(1, instr(lower(t.body), @first) - @before), @window) AS win,
        length(t.body) AS len
      FROM doc_fts JOIN doc_text t ON t.n = doc_fts.rowid JOIN docs d ON d.id = t.id
      WHERE doc_fts MATCH @match AND (@ids IS NULL OR d.id IN (SELECT value FROM json_each(@ids)))
      ORDER BY d.updated_at DESC LIMIT @limit`)
  }

  /** Inside the caller's transaction. A summary neither creates a record nor revives a deleted one. */
  write(id: string, s: SummaryWrite): void {
    if (this.setDoc.run({ id, title: s.title, editedBy: s.editedBy }).changes === 0) return
    this.upsertText.run({ id, title: s.title, text: s.text })
  }

  forget(id: string): void {
    this.dropText.run(id)
  }

  search(query: string, options: SearchOptions): SearchHit[] {
    const words = searchWords(query)
    if (words.length === 0) return []
    // Each word quoted (it holds only letters and digits anyway) and marked as a prefix; FTS5 ANDs them.
    const match = words.map((w) => `"${w}"*`).join(' ')
    const ids = options.ids ? JSON.stringify(options.ids) : null
    const rows = this.find.all({ match, first: words[0]!, ids, limit: options.limit, before: SNIPPET_BEFORE, window: SNIPPET_WINDOW })
    return rows.map((r) => ({ meta: toMeta(r), snippet: r.pos > 0 ? windowSnippet(r.win, r.pos, r.len) : null }))
  }
}
