import type { Editor } from '@tiptap/core'
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { SparkleIcon } from '../ui/icons.tsx'
import { focusFirstItem, handleMenuKeyDown } from '../ui/menuKeys.ts'
import { useDismiss } from '../ui/useDismiss.ts'
import { useFloating } from '../ui/useFloating.ts'
import { NotConfigured } from './NotConfigured.tsx'
import { PromptForm } from './PromptForm.tsx'
import { rangeRect } from './selectionRect.ts'
import type { AiAvailability } from './useAiStatus.ts'

export type CommandOp = 'generate' | 'continue' | 'summarize'

export interface CommandMenuDismiss {
  /** Return focus to the editor (Escape) or leave it where the click went. */
  restoreFocus: boolean
  /** Text to type into the editor: the "/" that opened the menu, and what followed. */
  insert?: string
}

interface AiCommandMenuProps {
  editor: Editor
  via: 'slash' | 'shortcut' | 'button'
  availability: AiAvailability
  /** A job of mine is already running in this document. */
  busy: boolean
  onDismiss: (how: CommandMenuDismiss) => void
  onRun: (op: CommandOp, instruction?: string) => void
}

const ITEMS: Array<{ op: CommandOp; label: string; description: string }> = [
  { op: 'generate', label: 'Write with AI…', description: 'Describe what to write' },
  { op: 'continue', label: 'Continue writing', description: 'Pick up where the text stops' },
  { op: 'summarize', label: 'Summarize document', description: 'A short summary at the cursor' },
]

/** The AI command menu at the caret (opened by "/" on an empty line, Mod-j, or the toolbar). */
export function AiCommandMenu({ editor, via, availability, busy, onDismiss, onRun }: AiCommandMenuProps) {
  const [step, setStep] = useState<'list' | 'prompt'>('list')
  const menuRef = useRef<HTMLDivElement>(null)
  const closeRef = useRef<HTMLButtonElement>(null)
  const { ref, style } = useFloating(
    true,
    () => rangeRect(editor, editor.state.selection.from),
    { prefer: 'below', align: 'start' },
  )
  useDismiss(true, [ref], (reason) =>
    onDismiss(reason === 'escape' ? { restoreFocus: true, insert: via === 'slash' ? '/' : undefined } : { restoreFocus: false }),
  )

  useEffect(() => {
    if (availability.state === 'not-configured') closeRef.current?.focus()
    else if (step === 'list') focusFirstItem(menuRef.current)
  }, [availability.state, step])

  // After "/" the person may just want a slash: typing on closes the menu and keeps the text.
  const onListKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (handleMenuKeyDown(event, menuRef.current)) return
    const printable = event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey
    // Space included: after "/" it is more likely text than a wish to pick the focused item.
    if (via === 'slash' && printable) {
      event.preventDefault()
      onDismiss({ restoreFocus: true, insert: `/${event.key}` })
    } else if (event.key === 'Tab') {
      event.preventDefault()
    }
  }

  return (
    <div ref={ref} style={style} className="popover ai-menu" data-testid="ai-command-menu">
      <div className="ai-menu__header" aria-hidden="true">
        <SparkleIcon /> AI
      </div>
      {availability.state === 'not-configured' ? (
        <NotConfigured ref={closeRef} message={availability.message} onClose={() => onDismiss({ restoreFocus: true })} />
      ) : step === 'prompt' ? (
        <PromptForm
          label="What should AI write?"
          placeholder="e.g. An intro paragraph about our Q3 plans"
          submitLabel="Write"
          onSubmit={(instruction) => onRun('generate', instruction)}
          onBack={() => setStep('list')}
        />
      ) : (
        <div ref={menuRef} role="menu" aria-label="AI commands" className="menu" onKeyDown={onListKeyDown}>
          {ITEMS.map((item) => (
            <button
              key={item.op}
              type="button"
              role="menuitem"
              className="menu__item menu__item--stacked"
              aria-disabled={busy}
              aria-describedby={busy ? 'ai-busy-note' : undefined}
              data-op={item.op}
              onClick={() => {
                if (busy) return
                if (item.op === 'generate') setStep('prompt')
                else onRun(item.op)
              }}
            >
              <span className="menu__label">{item.label}</span>
              <span className="menu__description">{item.description}</span>
            </button>
          ))}
          {busy && (
            <p id="ai-busy-note" className="menu__note">
              Your AI job is still running. Stop or finish it first.
            </p>
          )}
        </div>
      )}
    </div>
  )
}
