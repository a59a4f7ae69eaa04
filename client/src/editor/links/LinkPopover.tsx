import type { Editor } from '@tiptap/core'
import { useEditorState } from '@tiptap/react'
import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react'
import { rangeRect } from '../../ai/selectionRect.ts'
import { useSelectionUi } from '../../ai/useSelectionUi.ts'
import { ExternalLinkIcon } from '../../ui/icons.tsx'
import { useDismiss } from '../../ui/useDismiss.ts'
import { useFloating } from '../../ui/useFloating.ts'
import type { EditingHandlers } from '../editingShortcuts.ts'
import { applyLink, linkAtSelection, removeLink } from './linkCommands.ts'
import { LinkForm } from './LinkForm.tsx'

interface LinkPopoverProps {
  editor: Editor
  /** Where Mod-k and the toolbar's Link button find this popover's opener. */
  handlers: RefObject<EditingHandlers>
}

interface FormState {
  initialHref: string
  existing: boolean
  askText: boolean
}

/**
 * The link under the caret (its address, Open, Edit, Remove) and the form
 * that adds or edits one. The card appears while the caret is in a link and
 * leaves focus in the document; the form takes focus, and Escape, Cancel,
 * Apply or Remove give it back to the document.
 *
 * The link is looked up again when the form is applied: someone else may
 * have edited the text meanwhile, and the selection has followed their
 * changes while the form's copy of the positions would not have.
 */
export function LinkPopover({ editor, handlers }: LinkPopoverProps) {
  const caret = useEditorState({
    editor,
    selector: ({ editor: current }) => {
      const { from, to, empty } = current.state.selection
      const link = current.isEditable ? linkAtSelection(current) : null
      return { from, to, empty, link }
    },
    equalityFn: (a, b) => b !== null && JSON.stringify(a) === JSON.stringify(b),
  })
  const { focused } = useSelectionUi(editor)
  const [form, setForm] = useState<FormState | null>(null)
  const [cardFocused, setCardFocused] = useState(false)
  const [dismissed, setDismissed] = useState<string | null>(null)
  const link = caret?.link ?? null
  const linkKey = link ? `${link.from}:${link.to}:${link.href}` : null
  const showCard = form === null && link !== null && caret?.empty === true && (focused || cardFocused) && dismissed !== linkKey
  const open = form !== null || showCard

  const anchor = () => {
    const current = linkAtSelection(editor)
    const { from, to } = editor.state.selection
    return current ? rangeRect(editor, current.from, current.to) : rangeRect(editor, from, to)
  }
  const { ref, style } = useFloating(open, anchor, { prefer: 'below', align: 'start' })

  const openForm = () => {
    const current = linkAtSelection(editor)
    setForm({ initialHref: current?.href ?? '', existing: current !== null, askText: current === null && editor.state.selection.empty })
    return true
  }
  const closeCard = () => {
    if (!showCard) return false
    setDismissed(linkKey)
    return true
  }
  const latest = useRef({ openForm, closeCard })
  latest.current = { openForm, closeCard }
  useEffect(() => {
    handlers.current = { ...handlers.current, openLinkEditor: () => latest.current.openForm(), closeLinkCard: () => latest.current.closeCard() }
  }, [handlers])

  // A card closed with Escape stays closed until the caret leaves that link.
  useEffect(() => {
    if (dismissed !== null && dismissed !== linkKey) setDismissed(null)
  }, [dismissed, linkKey])

  const closeForm = (refocus: boolean) => {
    setForm(null)
    setCardFocused(false)
    if (refocus) editor.commands.focus()
  }
  // Escape with focus in the form or on the card's buttons; in the document it is Escape's keymap (closeCard).
  useDismiss(open, [ref], (reason) => {
    if (form !== null) closeForm(reason === 'escape')
    else if (reason === 'escape') {
      setDismissed(linkKey)
      if (cardFocused) closeForm(true)
    }
  })

  if (!open) return null

  const remove = () => {
    const current = linkAtSelection(editor)
    if (current) removeLink(editor, current)
    closeForm(true)
  }

  return (
    <div
      ref={ref}
      style={style}
      className="popover link-popover"
      role="dialog"
      aria-label={form ? (form.existing ? 'Edit link' : 'Add link') : 'Link'}
      data-testid="link-popover"
      data-mode={form ? 'edit' : 'view'}
      onFocus={() => setCardFocused(true)}
      onBlur={(event) => {
        const next = event.relatedTarget as Node | null
        if (event.currentTarget.contains(next)) return
        setCardFocused(false)
        // Tab or Shift+Tab out of the form (into the document, say) leaves the link as it was;
        // a window losing focus (to copy an address from elsewhere) has no next element and keeps it.
        if (form !== null && next !== null) closeForm(false)
      }}
    >
      {form ? (
        <LinkForm
          {...form}
          onApply={(href, text) => {
            applyLink(editor, href, linkAtSelection(editor), text)
            closeForm(false)
          }}
          onRemove={remove}
          onCancel={() => closeForm(true)}
        />
      ) : (
        link && (
          <div className="link-card">
            <a
              className="link-card__href"
              href={link.href}
              target="_blank"
              rel="noopener noreferrer"
              title={link.href}
              data-testid="link-open"
            >
              <ExternalLinkIcon />
              <span className="link-card__text">{link.href.replace(/^mailto:/i, '')}</span>
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
            <CardButton testId="link-edit" onClick={openForm}>
              Edit
            </CardButton>
            <CardButton testId="link-card-remove" onClick={remove}>
              Remove
            </CardButton>
          </div>
        )
      )}
    </div>
  )
}

function CardButton({ testId, onClick, children }: { testId: string; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      className="button button--ghost link-card__button"
      data-testid={testId}
      // Keep the caret in the link (and so the card) until the click lands.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
    >
      {children}
    </button>
  )
}
