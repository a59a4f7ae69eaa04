/**
 * Wires the AI entry points (keyboard, slash, toolbar, menus) to the job
 * controller, and turns a menu choice into an `AiRequest` anchored in the
 * shared document.
 */
import type { Editor } from '@tiptap/core'
import { useCallback, useLayoutEffect, useState, type RefObject } from 'react'
import type { AiJobInput } from './aiJobController.ts'
import type { AiJobController } from './aiJobController.ts'
import { isActive, type AiJobView } from './aiJobView.ts'
import type { AiShortcutHandlers } from './aiShortcuts.ts'
import type { CommandMenuDismiss, CommandOp } from './AiCommandMenu.tsx'
import type { SelectionCommand } from './AiBubbleMenu.tsx'
import { anchorFor } from './anchors.ts'
import { selectionSpan } from './useSelectionUi.ts'
import type { AiAvailability } from './useAiStatus.ts'

export interface AiUi {
  commandMenu: { via: 'slash' | 'shortcut' | 'button' } | null
  bubbleRequest: number
  busy: boolean
  open: (via: 'slash' | 'shortcut' | 'button') => boolean
  dismissCommandMenu: (how: CommandMenuDismiss) => void
  runCommand: (op: CommandOp, instruction?: string) => void
  runSelection: (command: SelectionCommand) => void
}

export function useAiUi(
  editor: Editor | null,
  controller: AiJobController | null,
  view: AiJobView,
  availability: AiAvailability,
  handlers: RefObject<AiShortcutHandlers>,
): AiUi {
  const [commandMenu, setCommandMenu] = useState<AiUi['commandMenu']>(null)
  const [bubbleRequest, setBubbleRequest] = useState(0)

  const open = useCallback(
    (via: 'slash' | 'shortcut' | 'button') => {
      if (!editor || !editor.isEditable) return false
      // Without AI on this server a "/" is only ever meant as a slash (a path,
      // a date, "and/or"): let it type. Mod-j and the toolbar still open the
      // menu, and there it says how to set AI up.
      if (via === 'slash' && availability.state === 'not-configured') return false
      const { selection, doc } = editor.state
      const { from, to } = selectionSpan(selection)
      const hasText = !selection.empty && doc.textBetween(from, to, ' ').trim() !== ''
      if (via !== 'slash' && hasText) setBubbleRequest((n) => n + 1)
      else setCommandMenu({ via })
      return true
    },
    [editor, availability.state],
  )

  // The editor extension calls these at key time; keep them current.
  useLayoutEffect(() => {
    handlers.current = {
      openAi: (_editor, via) => open(via),
      interceptUndo: () => controller?.offerDiscard() ?? false,
      stopJob: () => {
        if (!controller || !isActive(controller.getSnapshot())) return false
        void controller.stop()
        return true
      },
    }
  }, [handlers, open, controller])

  const start = (input: Omit<AiJobInput, 'anchor'>, from: number, to?: number) => {
    if (!editor || !controller || availability.state === 'not-configured') return
    const anchor = anchorFor(editor, from, to)
    if (!anchor) return
    controller.start({ ...input, anchor })
  }

  const dismissCommandMenu = (how: CommandMenuDismiss) => {
    setCommandMenu(null)
    if (!editor) return
    // At once: Tiptap's focus() waits for an animation frame, and a fast
    // typist's next keys would land on the closing menu and be lost.
    if (how.insert || how.restoreFocus) editor.view.focus()
    if (how.insert) editor.chain().focus().insertContent(how.insert).run()
    else if (how.restoreFocus) editor.commands.focus()
  }

  const runCommand = (op: CommandOp, instruction?: string) => {
    setCommandMenu(null)
    if (!editor) return
    editor.commands.focus()
    // The AI writes at the caret (the end of the selection, if any).
    const at = editor.state.selection.to
    start(instruction ? { op, instruction } : { op }, at)
  }

  const runSelection = (command: SelectionCommand) => {
    if (!editor) return
    const { from, to } = selectionSpan(editor.state.selection)
    if (command.op === 'summarize') start({ op: 'summarize' }, from, to)
    else if ('instruction' in command) start({ op: 'rewrite', instruction: command.instruction }, from, to)
    else start(command.language ? { op: 'rewrite', preset: command.preset, language: command.language } : { op: 'rewrite', preset: command.preset }, from, to)
    // The request holds its own anchors; a lingering selection would only
    // keep the "Ask AI" bubble up over text the AI is replacing.
    editor.chain().focus().setTextSelection(to).run()
  }

  return {
    commandMenu,
    bubbleRequest,
    busy: isActive(view),
    open,
    dismissCommandMenu,
    runCommand,
    runSelection,
  }
}
