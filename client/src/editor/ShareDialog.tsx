import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { createShareLink, type ShareLink } from '../api/docsApi.ts'
import type { Role } from '../../../shared/index.ts'
import { describeError } from '../api/http.ts'
import { copyText } from '../ui/clipboard.ts'
import { CheckIcon, LinkIcon, ShareIcon } from '../ui/icons.tsx'
import { HeaderDialogButton } from '../ui/HeaderDialogButton.tsx'

const ROLE_OPTIONS: ReadonlyArray<{ role: Role; label: string; hint: string }> = [
  { role: 'viewer', label: 'Can view', hint: 'Read and export it, and see who is here.' },
  { role: 'editor', label: 'Can edit', hint: 'Also write in it and use the AI.' },
  { role: 'owner', label: 'Owner', hint: 'Also share it, revoke links and delete it.' },
]

const EXPIRY_OPTIONS: ReadonlyArray<{ value: string; label: string }> = [
  { value: '1d', label: '1 day' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
]

/** The share API's limit for the name in a token. */
const RECIPIENT_NAME_MAX = 64

const roleLabel = (role: Role) => ROLE_OPTIONS.find((option) => option.role === role)?.label ?? role

function formatExpiry(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/**
 * "Share" in the header, for owners. Opens a dialog that mints a new link
 * with the access and expiry the owner picks; the owner's own token is only
 * ever sent to the server, never put in a link.
 */
export function ShareButton({ docId, token, title }: { docId: string; token: string | null; title: string }) {
  return (
    <HeaderDialogButton
      icon={<ShareIcon />}
      text="Share"
      label="Share"
      hint="Create a link to this document, with the access you choose"
      testId="share-button"
      dialog={(close) => <ShareDialog docId={docId} token={token} title={title} onClose={close} />}
    />
  )
}

type CopyState = 'idle' | 'copied' | 'failed'

interface ShareDialogProps {
  docId: string
  token: string | null
  title: string
  onClose: () => void
}

/** A modal (native <dialog>: the page behind is inert, Escape closes it). */
export function ShareDialog({ docId, token, title, onClose }: ShareDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const firstFieldRef = useRef<HTMLInputElement>(null)
  const copyRef = useRef<HTMLButtonElement>(null)
  const linkRef = useRef<HTMLInputElement>(null)
  const requestRef = useRef<AbortController | null>(null)
  const [role, setRole] = useState<Role>('editor')
  const [expires, setExpires] = useState('7d')
  const [name, setName] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [link, setLink] = useState<ShareLink | null>(null)
  const [copy, setCopy] = useState<CopyState>('idle')
  const id = useId()

  // No close() on cleanup: its `close` event would arrive after a remount and
  // close the dialog again; removing the element ends the modal state anyway.
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
    firstFieldRef.current?.focus()
  }, [])
  useEffect(() => () => requestRef.current?.abort(), [])

  useEffect(() => {
    if (copy === 'idle') return
    const timer = setTimeout(() => setCopy('idle'), 2000)
    return () => clearTimeout(timer)
  }, [copy])

  useEffect(() => {
    if (link) copyRef.current?.focus()
  }, [link])

  // A shown link always matches the choices above it.
  const changed = <T,>(set: (value: T) => void) => (value: T) => {
    set(value)
    setLink(null)
    setError(null)
  }

  const create = async (event: FormEvent) => {
    event.preventDefault()
    if (pending) return
    requestRef.current?.abort()
    const request = new AbortController()
    requestRef.current = request
    setPending(true)
    setError(null)
    setLink(null)
    try {
      const cleanName = name.trim()
      setLink(await createShareLink(docId, token, { role, expires, ...(cleanName ? { name: cleanName } : {}) }, request.signal))
    } catch (cause) {
      if (request.signal.aborted) return
      setError(describeError(cause))
    } finally {
      if (!request.signal.aborted) setPending(false)
    }
  }

  const copyLink = async () => {
    if (!link) return
    const ok = await copyText(link.url, ref.current ?? undefined)
    setCopy(ok ? 'copied' : 'failed')
    // Failing that, the link is selected, ready for Ctrl+C.
    if (!ok) linkRef.current?.select()
  }

  const expiryId = `${id}-expires`
  const nameId = `${id}-name`
  const nameHintId = `${id}-name-hint`
  const linkId = `${id}-link`
  const linkMetaId = `${id}-link-meta`
  return (
    <dialog
      ref={ref}
      className="dialog share-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-detail`}
      data-testid="share-dialog"
      onClose={onClose}
    >
      <h2 id={`${id}-title`} className="dialog__title">
        Share “{title}”
      </h2>
      <p id={`${id}-detail`} className="dialog__detail">
        Anyone who has the new link gets the access you choose here, until the link expires.
      </p>
      <form className="share-form" onSubmit={create}>
        <fieldset className="share-form__group">
          <legend className="field-label">Access</legend>
          {ROLE_OPTIONS.map((option) => (
            <label key={option.role} className="choice">
              <input
                ref={option.role === role ? firstFieldRef : undefined}
                type="radio"
                name={`${id}-role`}
                value={option.role}
                checked={role === option.role}
                onChange={() => changed(setRole)(option.role)}
                aria-describedby={`${id}-${option.role}-hint`}
                data-testid={`share-role-${option.role}`}
              />
              <span className="choice__text">
                <span className="choice__label">{option.label}</span>
                <span id={`${id}-${option.role}-hint`} className="choice__hint" aria-hidden="true">
                  {option.hint}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="share-form__row">
          <div className="share-form__field">
            <label htmlFor={expiryId} className="field-label">
              Expires after
            </label>
            <select
              id={expiryId}
              className="text-input select-input"
              value={expires}
              onChange={(event) => changed(setExpires)(event.target.value)}
              data-testid="share-expires"
            >
              {EXPIRY_OPTIONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div className="share-form__field">
            <label htmlFor={nameId} className="field-label">
              Recipient’s name <span className="field-label__optional">(optional)</span>
            </label>
            <input
              id={nameId}
              className="text-input"
              type="text"
              value={name}
              maxLength={RECIPIENT_NAME_MAX}
              placeholder="Guest"
              autoComplete="off"
              aria-describedby={nameHintId}
              onChange={(event) => changed(setName)(event.target.value)}
              data-testid="share-name"
            />
          </div>
        </div>
        <p id={nameHintId} className="field-hint">
          Others see this name next to the recipient’s cursor.
        </p>
        {error && (
          <p className="form-error" role="alert" data-testid="share-error">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            {link ? 'Done' : 'Cancel'}
          </button>
          <button type="submit" className="button button--primary" disabled={pending} data-testid="share-create">
            <LinkIcon />
            {pending ? 'Creating…' : 'Create link'}
          </button>
        </div>
      </form>
      {link && (
        <div className="share-result" data-testid="share-result">
          <label htmlFor={linkId} className="field-label">
            New link
          </label>
          <div className="share-result__row">
            <input
              ref={linkRef}
              id={linkId}
              className="text-input share-result__link"
              type="text"
              value={link.url}
              readOnly
              aria-describedby={linkMetaId}
              onFocus={(event) => event.currentTarget.select()}
              data-testid="share-link"
            />
            <button
              ref={copyRef}
              type="button"
              className="button"
              onClick={copyLink}
              data-testid="share-copy"
              data-state={copy}
              aria-describedby={linkMetaId}
            >
              {copy === 'copied' ? <CheckIcon /> : <LinkIcon />}
              {copy === 'copied' ? 'Copied' : copy === 'failed' ? 'Copy failed' : 'Copy'}
            </button>
          </div>
          <p id={linkMetaId} className="field-hint" data-testid="share-link-meta">
            {roleLabel(link.role)} · expires {formatExpiry(link.expiresAt)}
          </p>
        </div>
      )}
      {/* Present from the start, so screen readers announce what lands in it. */}
      <p className="visually-hidden" role="status">
        {copy === 'failed'
          ? 'Could not copy. The link is selected: press Ctrl+C or Command+C to copy it.'
          : copy === 'copied'
            ? 'Link copied.'
            : link
              ? `Link created: ${roleLabel(link.role).toLowerCase()}, expires ${formatExpiry(link.expiresAt)}.`
              : ''}
      </p>
    </dialog>
  )
}
