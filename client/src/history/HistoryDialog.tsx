/**
 * Version history (issue 12): the document's versions, newest first, and
 * the selected one compared with the document as it is now.
 *
 * A modal dialog over the editor, like Share: the document keeps syncing
 * behind it, and the comparison follows it live. At phone width the list
 * and the preview take the screen in turn.
 *
 * Restoring is a new edit made by the server (every person sees it, the
 * version taken just before makes it undoable), so it needs no
 * confirmation beyond saying what happened. Viewers browse and copy, and are
 * told why they can't restore.
 */
import type { Editor } from '@tiptap/core'
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import type { VersionSummary } from '../../../shared/apiTypes.ts'
import { describeError } from '../api/http.ts'
import { deleteVersion, getVersionMarkdown, nameCurrentVersion, nameVersion, restoreVersion } from '../api/versionsApi.ts'
import { copyText } from '../ui/clipboard.ts'
import { ChevronLeftIcon } from '../ui/icons.tsx'
import { ChangeNavigator } from './ChangeNavigator.tsx'
import { DiffView, type DiffLayout } from './DiffView.tsx'
import { formatWhen, versionTitle } from './versionLabels.ts'
import { useComparison, useVersionList } from './useVersions.ts'
import { hasChanges, type VersionDiff } from './versionDiff.ts'
import '../styles/history.css'

const LAYOUT_KEY = 'history-layout'
const NAME_MAX = 100

export interface HistoryAccess {
  /** May name the current state and restore. */
  canEdit: boolean
  /** May rename and delete named versions. */
  canOwn: boolean
}

interface HistoryDialogProps {
  docId: string
  token: string | null
  editor: Editor
  access: HistoryAccess
  onClose: () => void
}

export function HistoryDialog({ docId, token, editor, access, onClose }: HistoryDialogProps) {
  const id = useId()
  const ref = useRef<HTMLDialogElement>(null)
  const listRef = useRef<HTMLUListElement>(null)
  const { versions, listError, reload } = useVersionList(docId, token)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [previewOpen, setPreviewOpen] = useState(false)
  const [layout, setLayout] = useState<DiffLayout>(() => (localStorage.getItem(LAYOUT_KEY) === 'side-by-side' ? 'side-by-side' : 'inline'))
  const [status, setStatus] = useState<{ text: string; error?: boolean } | null>(null)
  const [busy, setBusy] = useState(false)
  const comparison = useComparison(docId, token, selectedId, editor)
  const selected = versions?.find((v) => v.id === selectedId) ?? null

  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])

  // The newest version is where people usually start.
  useEffect(() => {
    if (selectedId === null && versions?.length) setSelectedId(versions[0]!.id)
  }, [versions, selectedId])

  useEffect(() => {
    localStorage.setItem(LAYOUT_KEY, layout)
  }, [layout])

  const select = (version: VersionSummary) => {
    setSelectedId(version.id)
    setPreviewOpen(true)
    setStatus(null)
  }

  const onListKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button.version-item') ?? [])]
    if (!buttons.length) return
    event.preventDefault()
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement)
    const next = event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : Math.min(buttons.length - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1)))
    buttons[next]!.focus()
  }

  const run = async (action: () => Promise<string>) => {
    setBusy(true)
    setStatus(null)
    try {
      setStatus({ text: await action() })
    } catch (err) {
      setStatus({ text: describeError(err), error: true })
    } finally {
      setBusy(false)
    }
  }

  const restore = (version: VersionSummary) =>
    run(async () => {
      const result = await restoreVersion(docId, version.id, token)
      await reload()
      return result.backupVersionId
        ? `Restored “${versionTitle(version)}”. The document as it was is kept as the version “Before restore”.`
        : `Restored “${versionTitle(version)}”.`
    })

  const copy = (version: VersionSummary) =>
    run(async () => {
      const text = await getVersionMarkdown(docId, version.id, token)
      // Inside the modal: everything outside it is inert, the fallback copy included.
      if (!(await copyText(text, ref.current ?? undefined))) throw new Error('copy')
      return 'Copied the text of this version (as Markdown).'
    }).catch(() => setStatus({ text: 'Could not copy. Your browser refused access to the clipboard.', error: true }))

  const nameCurrent = (name: string) =>
    run(async () => {
      const newId = await nameCurrentVersion(docId, name, token)
      await reload()
      setSelectedId(newId)
      return `Named the current version “${name}”.`
    })

  const rename = (version: VersionSummary, name: string) =>
    run(async () => {
      await nameVersion(docId, version.id, name, token)
      await reload()
      return version.kind === 'named' ? `Renamed to “${name}”.` : `Named this version “${name}”. It is kept until someone deletes it.`
    })

  const remove = (version: VersionSummary) =>
    run(async () => {
      await deleteVersion(docId, version.id, token)
      setSelectedId(null)
      await reload()
      return `Deleted “${versionTitle(version)}”.`
    })

  return (
    <dialog
      ref={ref}
      className={`dialog history-dialog${previewOpen ? ' history-dialog--preview' : ''}`}
      aria-labelledby={`${id}-title`}
      data-testid="history-dialog"
      onClose={onClose}
    >
      <header className="history-dialog__head">
        <h2 id={`${id}-title`} className="dialog__title">
          Version history
        </h2>
        <fieldset className="segmented" aria-label="Show changes">
          {(['inline', 'side-by-side'] as const).map((value) => (
            <label key={value} className="segmented__option">
              <input type="radio" name={`${id}-layout`} value={value} checked={layout === value} onChange={() => setLayout(value)} />
              <span>{value === 'inline' ? 'Inline' : 'Side by side'}</span>
            </label>
          ))}
        </fieldset>
        <button type="button" className="button" onClick={onClose} data-testid="history-close">
          Close
        </button>
      </header>

      <div className="history-dialog__body">
        <nav className="history-list" aria-label="Versions">
          {access.canEdit && <NameCurrentForm busy={busy} onName={nameCurrent} />}
          {listError && (
            <p className="form-error" role="alert">
              {listError}
            </p>
          )}
          {versions === null && !listError && <p className="history-list__empty">Loading versions…</p>}
          {versions?.length === 0 && <p className="history-list__empty">No versions yet. One is kept a little while after each change, and before every AI edit.</p>}
          <ul ref={listRef} onKeyDown={onListKeyDown} data-testid="version-list">
            {versions?.map((version) => (
              <li key={version.id}>
                <button
                  type="button"
                  className="version-item"
                  aria-current={version.id === selectedId ? 'true' : undefined}
                  onClick={() => select(version)}
                  data-kind={version.kind}
                >
                  <span className="version-item__title">{versionTitle(version)}</span>
                  <span className="version-item__when">
                    <time dateTime={version.createdAt}>{formatWhen(version.createdAt)}</time>
                    {version.name && <span className="version-item__kind"> · Named</span>}
                  </span>
                  {version.authors.length > 0 && <span className="version-item__authors">{version.authors.join(', ')}</span>}
                </button>
              </li>
            ))}
          </ul>
        </nav>

        <section className="history-preview" aria-label="Selected version" data-testid="version-preview">
          <button type="button" className="button button--ghost history-preview__back" onClick={() => setPreviewOpen(false)}>
            <ChevronLeftIcon />
            All versions
          </button>
          {selected && (
            <div className="history-preview__bar">
              <div>
                <h3 className="history-preview__title">{versionTitle(selected)}</h3>
                <p className="history-preview__when">
                  <time dateTime={selected.createdAt}>{formatWhen(selected.createdAt)}</time>
                  {selected.authors.length > 0 && ` · changes by ${selected.authors.join(', ')}`}
                </p>
              </div>
              <div className="history-preview__actions">
                {access.canEdit ? (
                  <button type="button" className="button button--primary" disabled={busy} onClick={() => void restore(selected)} data-testid="version-restore">
                    Restore this version
                  </button>
                ) : (
                  <p className="history-preview__note" data-testid="version-restore-note">
                    Your link lets you read versions, not restore them.
                  </p>
                )}
                <button type="button" className="button" disabled={busy} onClick={() => void copy(selected)}>
                  Copy text
                </button>
                <NameActions key={selected.id} version={selected} access={access} busy={busy} onName={rename} onDelete={remove} />
              </div>
            </div>
          )}
          <p className="history-preview__status" role="status" data-error={status?.error ? 'true' : undefined}>
            {status?.text}
          </p>
          <Comparison comparison={comparison} layout={layout} versionId={selectedId} />
        </section>
      </div>
    </dialog>
  )
}

function Comparison({ comparison, layout, versionId }: { comparison: ReturnType<typeof useComparison>; layout: DiffLayout; versionId: string | null }) {
  const diffRef = useRef<HTMLDivElement>(null)
  if (comparison.state === 'idle') return null
  if (comparison.state === 'loading') return <p className="history-preview__note">Loading…</p>
  if (comparison.state === 'failed') {
    return (
      <p className="form-error" role="alert">
        {comparison.message}
      </p>
    )
  }
  const { diff } = comparison
  return (
    <>
      <p className="history-preview__summary" data-testid="version-summary">
        {hasChanges(diff) ? `Since this version: ${describeStats(diff.stats)}.` : 'The document is the same as this version.'}
        {hasChanges(diff) && (
          <span className="history-legend">
            <ins className="diff-ins">added</ins> <del className="diff-del">removed</del>
          </span>
        )}
      </p>
      <ChangeNavigator root={diffRef} count={diff.stats.added + diff.stats.removed + diff.stats.changed} selectionKey={`${versionId}:${layout}`} />
      <div ref={diffRef}>
        <DiffView blocks={diff.blocks} layout={layout} />
      </div>
    </>
  )
}

function describeStats({ changed, added, removed }: VersionDiff['stats']): string {
  const parts: string[] = []
  if (changed) parts.push(`${changed} ${changed === 1 ? 'block' : 'blocks'} changed`)
  if (added) parts.push(`${added} added`)
  if (removed) parts.push(`${removed} removed`)
  return parts.join(', ')
}

function NameCurrentForm({ busy, onName }: { busy: boolean; onName: (name: string) => Promise<void> }) {
  const id = useId()
  const [name, setName] = useState('')
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = name.trim()
    if (!trimmed) return
    void onName(trimmed).then(() => setName(''))
  }
  return (
    <form className="name-version" onSubmit={submit}>
      <label htmlFor={`${id}-name`} className="field-label">
        Name the current version
      </label>
      <div className="name-version__row">
        <input
          id={`${id}-name`}
          className="text-input"
          value={name}
          maxLength={NAME_MAX}
          placeholder="Sent to the client"
          onChange={(event) => setName(event.target.value)}
          data-testid="version-name-input"
        />
        <button type="submit" className="button" disabled={busy || !name.trim()}>
          Name
        </button>
      </div>
    </form>
  )
}

/**
 * Naming the selected version: editors name an automatic one (which keeps
 * it from retention); owners rename or delete a named one.
 */
function NameActions(props: {
  version: VersionSummary
  access: HistoryAccess
  busy: boolean
  onName: (version: VersionSummary, name: string) => Promise<void>
  onDelete: (version: VersionSummary) => Promise<void>
}) {
  const { version, access, busy, onName, onDelete } = props
  const named = version.kind === 'named'
  const [editing, setEditing] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [name, setName] = useState(version.name ?? '')
  if (confirming) {
    return (
      <>
        <span className="history-preview__note">Delete “{versionTitle(version)}”?</span>
        <button type="button" className="button button--danger" disabled={busy} onClick={() => void onDelete(version)}>
          Delete
        </button>
        <button type="button" className="button button--ghost" onClick={() => setConfirming(false)} autoFocus>
          Keep it
        </button>
      </>
    )
  }
  if (named ? !access.canOwn : !access.canEdit) return null
  if (!editing && !named) {
    return (
      <button type="button" className="button" disabled={busy} onClick={() => setEditing(true)}>
        Name this version
      </button>
    )
  }
  if (!editing) {
    return (
      <>
        <button type="button" className="button" disabled={busy} onClick={() => setEditing(true)}>
          Rename
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => setConfirming(true)}>
          Delete…
        </button>
      </>
    )
  }
  return (
    <form
      className="name-version__row"
      onSubmit={(event) => {
        event.preventDefault()
        if (name.trim()) void onName(version, name.trim()).then(() => setEditing(false))
      }}
    >
      <input className="text-input" aria-label={named ? 'New name' : 'Name for this version'} value={name} maxLength={NAME_MAX} onChange={(event) => setName(event.target.value)} autoFocus />
      <button type="submit" className="button" disabled={busy || !name.trim()}>
        Save
      </button>
      <button type="button" className="button button--ghost" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  )
}
