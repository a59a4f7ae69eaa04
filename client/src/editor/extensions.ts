/**
 * The editor's extension list: the shared document schema plus
 * collaboration and UI-only extensions that add no nodes or marks (so the
 * server's schema, built from `documentExtensions()`, always matches).
 */
import type { AnyExtension } from '@tiptap/core'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import { Placeholder, Selection } from '@tiptap/extensions'
import { DOC_FIELD, documentExtensions } from '../../../shared/index.ts'
import { editorUndoManager } from './undoManager.ts'
import { AiShortcuts, type AiShortcutHandlers } from '../ai/aiShortcuts.ts'
import { AiPendingMarks } from '../ai/pendingMarks.ts'
import type { CollabSession } from '../collab/session.ts'
import type { Identity } from '../identity/identity.ts'
import { renderCaret } from './caret.ts'
import { EditingShortcuts, type EditingHandlers } from './editingShortcuts.ts'
import { PasteHandling } from './paste/pasteHandling.ts'
import { TableKeys } from './tables/tableKeys.ts'
import { TableRepair } from './tables/tableRepair.ts'
import { TaskCheckboxes } from './tasks/taskCheckboxes.ts'
import { TaskInputRules } from './tasks/taskInputRules.ts'

export interface EditorExtensionOptions {
  session: CollabSession
  identity: Identity
  aiHandlers: { current: AiShortcutHandlers }
  editingHandlers: { current: EditingHandlers }
  /** False once the server said it has no AI: "/" then just types, so the hint must not offer it. */
  slashOpensAi: () => boolean
}

export function editorExtensions({ session, identity, aiHandlers, editingHandlers, slashOpensAi }: EditorExtensionOptions): AnyExtension[] {
  return [
    ...documentExtensions(),
    Collaboration.configure({
      document: session.ydoc,
      field: DOC_FIELD,
      yUndoOptions: { undoManager: editorUndoManager(session.ydoc) },
    }),
    CollaborationCaret.configure({
      provider: session.provider,
      user: { name: identity.name, color: identity.color },
      render: renderCaret,
    }),
    Placeholder.configure({
      placeholder: ({ editor, node }) => {
        const ai = slashOpensAi()
        if (editor.isEmpty) return ai ? 'Give it a title, or type / for AI…' : 'Give it a title…'
        if (node.type.name === 'heading') return 'Heading'
        return ai ? 'Write, or type / for AI…' : 'Write something…'
      },
    }),
    AiPendingMarks.configure({ doc: session.ydoc, awareness: session.provider.awareness }),
    // Keeps the selection visible while focus is in the AI menu.
    Selection,
    AiShortcuts.configure({ getHandlers: () => aiHandlers.current }),
    EditingShortcuts.configure({ getHandlers: () => editingHandlers.current }),
    TaskInputRules,
    TaskCheckboxes,
    TableKeys,
    TableRepair.configure({ awareness: session.provider.awareness }),
    PasteHandling,
  ]
}
