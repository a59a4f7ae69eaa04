import { useEffect, useRef, useState } from 'react'
import type { DocSummary } from '../../../shared/index.ts'
import type { DocSort } from '../../../shared/apiTypes.ts'
import { createDoc, deleteDoc } from '../api/docsApi.ts'
import { describeError } from '../api/http.ts'
import { prefetchEditor } from '../app/editorChunk.ts'
import { docPath, navigate } from '../app/router.ts'
import { captureServerToken, forgetToken, tokenForDoc } from '../auth/token.ts'
import { deleteLocalCopy } from '../collab/localCopy.ts'
import { IdentityButton } from '../identity/IdentityButton.tsx'
import type { IdentityHandle } from '../identity/useIdentity.ts'
import { PlusIcon } from '../ui/icons.tsx'
import { DeleteDialog } from './DeleteDialog.tsx'
import { DocListSection } from './DocListSection.tsx'
import { ImportButton } from './ImportButton.tsx'
import { OpenByLink } from './OpenByLink.tsx'
import { SearchBar } from './SearchBar.tsx'
import { useDebounced } from './useDebounced.ts'
import { useDocList } from './useDocList.ts'
import { useFileDrop } from './useFileDrop.ts'
import { useFocusAfterDelete } from './useFocusAfterDelete.ts'
import { useImport } from './useImport.ts'
import { listAddress, useListAddress } from './useListAddress.ts'

/** Typing settles this long before the list asks the server; clearing is immediate. */
const SEARCH_DEBOUNCE_MS = 200
const isBlank = (q: string) => q.trim() === ''
/** Search looks for words: a query without a letter or a digit (only quotes, say) would match nothing. */
const hasWord = (q: string) => /[\p{L}\p{N}]/u.test(q)

export function HomePage({ identity }: { identity: IdentityHandle }) {
  // A server-wide link (`/?token=…`) lands here; it is kept like a document's.
  const [token] = useState(() => captureServerToken())
  const [query, setQuery] = useState(() => listAddress().q)
  const [sort, setSort] = useState<DocSort>(() => listAddress().sort)
  const typed = useDebounced(query, SEARCH_DEBOUNCE_MS, isBlank)
  useListAddress(query, sort)
  const wordless = !isBlank(typed) && !hasWord(typed)
  const { state, reload, removeLocally } = useDocList(token, { q: wordless ? '' : typed, sort })
  const searchBox = useRef<HTMLInputElement>(null)
  const listArea = useRef<HTMLDivElement>(null)
  const importer = useImport(token, identity.identity.name, reload)
  const drop = useFileDrop((files) => void importer.importFiles(files))
  const [creating, setCreating] = useState(false)
  const [createError, setCreateError] = useState<string | null>(null)
  const [deleting, setDeleting] = useState<DocSummary | null>(null)

  useEffect(() => {
    document.title = 'Documents · Quill'
  }, [])
  useEffect(() => prefetchEditor(), [])

  const create = async () => {
    setCreating(true)
    setCreateError(null)
    try {
      navigate(docPath(await createDoc(token)))
    } catch (error) {
      setCreateError(describeError(error))
      setCreating(false)
    }
  }

  const focusAfterDelete = useFocusAfterDelete(listArea, searchBox, deleting !== null)
  const closeDelete = (doc: DocSummary) => {
    focusAfterDelete.cancelled(doc.id)
    setDeleting(null)
  }

  const confirmDelete = async (doc: DocSummary) => {
    await deleteDoc(doc.id, tokenForDoc(doc.id)).catch((error: unknown) => {
      throw new Error(describeError(error))
    })
    // The local copy would otherwise resurrect it the next time it is opened here.
    await deleteLocalCopy(doc.id)
    forgetToken(doc.id)
    focusAfterDelete.deleting(doc.id)
    removeLocally(doc.id)
    setDeleting(null)
  }

  return (
    <div className="home-page">
      <header className="app-header" data-sticky-top>
        <div className="app-header__row">
          <h1 className="brand">Quill</h1>
          <div className="app-header__controls">
            <IdentityButton identity={identity.identity} onChange={identity.update} />
          </div>
        </div>
      </header>
      <main className={`home-column${drop.active ? ' home-column--drop' : ''}`} data-testid="home-drop" {...drop.handlers}>
        <div className="home-intro">
          <h2 className="home-title">Documents</h2>
          {!(state.status === 'error' && state.authRequired) && (
            <div className="home-actions">
              <ImportButton busy={importer.importing} onFiles={(files) => void importer.importFiles(files)} />
              <button type="button" className="button button--primary" data-testid="new-doc" onClick={create} disabled={creating}>
                <PlusIcon />
                {creating ? 'Creating…' : 'New document'}
              </button>
            </div>
          )}
        </div>
        {(createError ?? importer.error) && (
          <p className="form-error" role="alert" data-testid="home-error">
            {createError ?? importer.error}
          </p>
        )}
        {importer.notice && (
          <p className="search-summary" role="status" data-testid="import-notice">
            {importer.notice}
          </p>
        )}
        {drop.active && (
          <p className="drop-hint" aria-hidden="true">
            Drop Markdown or HTML files to import them
          </p>
        )}
        {!(state.status === 'error' && state.authRequired) && (
          <SearchBar
            ref={searchBox}
            query={query}
            onQuery={setQuery}
            sort={sort}
            onSort={setSort}
            onArrowDown={() => listArea.current?.querySelector<HTMLElement>('.doc-list__link')?.focus()}
          />
        )}
        {wordless && (
          <p className="search-summary" role="status" data-testid="search-hint">
            Search looks for words: type a letter or a number.
          </p>
        )}
        <div ref={listArea}>
          <DocListSection
            state={state}
            onRetry={reload}
            onDelete={setDeleting}
            onCreate={create}
            onClearSearch={() => setQuery('')}
            onLeaveList={() => searchBox.current?.focus()}
          />
        </div>
        <OpenByLink />
      </main>
      {deleting && <DeleteDialog doc={deleting} onConfirm={() => confirmDelete(deleting)} onClose={() => closeDelete(deleting)} />}
    </div>
  )
}
