import type { Editor } from '@tiptap/core'
import { useEffect, useRef, useState, type FocusEvent } from 'react'
import { AI_PRESETS, AI_PRESET_LABELS, type AiPreset } from '../../../shared/index.ts'
import { SparkleIcon } from '../ui/icons.tsx'
import { focusFirstItem, handleMenuKeyDown } from '../ui/menuKeys.ts'
import { useDismiss } from '../ui/useDismiss.ts'
import { useFloating } from '../ui/useFloating.ts'
import { NotConfigured } from './NotConfigured.tsx'
import { PromptForm } from './PromptForm.tsx'
import { rangeRect } from './selectionRect.ts'
import type { AiAvailability } from './useAiStatus.ts'
import { useSelectionUi } from './useSelectionUi.ts'

export type SelectionCommand =
  | { op: 'rewrite'; preset: AiPreset; language?: string }
  | { op: 'rewrite'; instruction: string }
  | { op: 'summarize' }

interface AiBubbleMenuProps {
  editor: Editor
  availability: AiAvailability
  busy: boolean
  /** Bumped by Mod-j (or the toolbar) to open the menu expanded, with focus in it. */
  expandRequest: number
  onRun: (command: SelectionCommand) => void
}

const LANGUAGE_MAX = 64

/** "Ask AI" next to a selection: rewrite presets, a free instruction, or a summary. */
export function AiBubbleMenu({ editor, availability, busy, expandRequest, onRun }: AiBubbleMenuProps) {
  const selection = useSelectionUi(editor)
  const [expanded, setExpanded] = useState(false)
  const [step, setStep] = useState<'main' | 'translate'>('main')
  const [menuFocused, setMenuFocused] = useState(false)
  const visible = selection.hasText && !selection.dragging && (selection.focused || menuFocused || expanded)
  const coarse = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches
  const { ref, style } = useFloating(visible, () => rangeRect(editor, selection.from, selection.to), {
    // On touch screens the system's own selection bar sits above the text.
    prefer: coarse ? 'below' : 'above',
    align: 'center',
  })
  const menuRef = useRef<HTMLDivElement>(null)
  const closeRef = useRef<HTMLButtonElement>(null)

  const collapse = (refocusEditor: boolean) => {
    setExpanded(false)
    setStep('main')
    // The focused control unmounts without a blur event, so reset by hand.
    setMenuFocused(false)
    if (refocusEditor) editor.commands.focus()
  }
  useDismiss(expanded, [ref], (reason) => collapse(reason === 'escape'))

  useEffect(() => {
    if (expandRequest === 0) return
    setExpanded(true)
    setStep('main')
  }, [expandRequest])

  // Selection gone (typed over, clicked elsewhere): nothing to act on.
  useEffect(() => {
    if (!selection.hasText) {
      setExpanded(false)
      setStep('main')
      setMenuFocused(false)
    }
  }, [selection.hasText])

  useEffect(() => {
    if (expanded && availability.state === 'not-configured') closeRef.current?.focus()
  }, [expanded, availability.state])

  if (!visible) return null

  const run = (command: SelectionCommand) => {
    collapse(true)
    onRun(command)
  }

  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setMenuFocused(false)
  }

  return (
    <div
      ref={ref}
      style={style}
      className={`popover ai-bubble${expanded ? ' ai-bubble--expanded' : ''}`}
      data-testid="ai-bubble-menu"
      role={expanded ? 'dialog' : undefined}
      aria-label={expanded ? 'Ask AI about the selection' : undefined}
      onFocus={() => setMenuFocused(true)}
      onBlur={onBlur}
    >
      {!expanded ? (
        <button
          type="button"
          className="button button--ai"
          aria-haspopup="dialog"
          aria-expanded={false}
          aria-keyshortcuts="Control+J"
          // Keep the editor focused (and the bubble shown) until the click lands.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => setExpanded(true)}
        >
          <SparkleIcon /> Ask AI
        </button>
      ) : availability.state === 'not-configured' ? (
        <NotConfigured ref={closeRef} message={availability.message} onClose={() => collapse(true)} />
      ) : busy ? (
        <div className="ai-notice" role="note">
          <p className="ai-notice__message">Your AI job is still running. Stop or finish it first.</p>
          <button ref={closeRef} type="button" className="button" onClick={() => collapse(true)} autoFocus>
            Close
          </button>
        </div>
      ) : step === 'translate' ? (
        <PromptForm
          // Its own key: otherwise React reuses the instruction field in this
          // slot (same component, same place), which neither takes focus nor
          // forgets what was typed there.
          key="translate"
          label="Translate the selection to"
          placeholder="e.g. French"
          submitLabel="Translate"
          maxLength={LANGUAGE_MAX}
          onSubmit={(language) => run({ op: 'rewrite', preset: 'translate', language })}
          onBack={() => setStep('main')}
        />
      ) : (
        <>
          <PromptForm
            label="Tell AI what to do with the selection"
            placeholder="Ask AI to edit…"
            submitLabel="Go"
            visibleLabel={false}
            onSubmit={(instruction) => run({ op: 'rewrite', instruction })}
            onArrowDown={() => focusFirstItem(menuRef.current)}
          />
          <div
            ref={menuRef}
            role="menu"
            aria-label="Rewrite the selection"
            className="menu"
            onKeyDown={(event) => handleMenuKeyDown(event, menuRef.current)}
          >
            {AI_PRESETS.map((preset) => (
              <button
                key={preset}
                type="button"
                role="menuitem"
                className="menu__item"
                data-preset={preset}
                onClick={() => (preset === 'translate' ? setStep('translate') : run({ op: 'rewrite', preset }))}
              >
                {preset === 'translate' ? `${AI_PRESET_LABELS[preset]}…` : AI_PRESET_LABELS[preset]}
              </button>
            ))}
            <div className="menu__separator" role="separator" />
            <button
              type="button"
              role="menuitem"
              className="menu__item"
              data-op="summarize"
              onClick={() => run({ op: 'summarize' })}
            >
              Summarize selection
            </button>
          </div>
        </>
      )}
    </div>
  )
}
