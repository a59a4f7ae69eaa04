import { EditorContent, useEditor } from '@tiptap/react'
import { useCallback, useEffect, useMemo, useRef } from 'react'
import { CloseCode } from '../../../shared/index.ts'
import { AiBubbleMenu } from '../ai/AiBubbleMenu.tsx'
import { AiCommandMenu } from '../ai/AiCommandMenu.tsx'
import { AiPanel } from '../ai/AiPanel.tsx'
import { NO_AI_HANDLERS, type AiShortcutHandlers } from '../ai/aiShortcuts.ts'
import { useAiJob } from '../ai/useAiJob.ts'
import { useFollowAiCaret } from '../ai/followAiCaret.ts'
import { AcceptUndo } from '../ai/acceptUndo.ts'
import { yUndoPluginKey } from '@tiptap/y-tiptap'
import { useAiStatus } from '../ai/useAiStatus.ts'
import { useAiUi } from '../ai/useAiUi.ts'
import { readTokenClaims } from '../auth/claims.ts'
import { linkSharing } from '../auth/linkSharing.ts'
import { deleteLocalCopy } from '../collab/localCopy.ts'
import type { CollabSession } from '../collab/session.ts'
import { useConnection } from '../collab/useConnection.ts'
import { usePeers } from '../collab/usePeers.ts'
import { IdentityButton } from '../identity/IdentityButton.tsx'
import type { IdentityHandle } from '../identity/useIdentity.ts'
import { Avatars } from './Avatars.tsx'
import { ClosedBanner } from './ClosedBanner.tsx'
import { ConnectionStatus } from './ConnectionStatus.tsx'
import { CopyLinkButton } from './CopyLinkButton.tsx'
import { EditorHeader } from './EditorHeader.tsx'
import { ExportMenu } from './ExportMenu.tsx'
import { HistoryButton } from '../history/HistoryButton.tsx'
import { ShareButton } from './ShareDialog.tsx'
import { editorExtensions } from './extensions.ts'
import { PASTE_RULES } from './paste/pasteHandling.ts'
import { Toolbar } from './Toolbar.tsx'
import { useDocumentTitle } from './useDocumentTitle.ts'
import { NO_EDITING_HANDLERS, type EditingHandlers } from './editingShortcuts.ts'
import { LinkPopover } from './links/LinkPopover.tsx'
import '../styles/editing.css'

interface EditorScreenProps {
  session: CollabSession
  token: string | null
  identity: IdentityHandle
}

export function EditorScreen({ session, token, identity: { identity, update } }: EditorScreenProps) {
  const { docId, provider } = session
  const connection = useConnection(session.connection)
  const peers = usePeers(provider.awareness)
  const aiHandlers = useRef<AiShortcutHandlers>(NO_AI_HANDLERS)
  const editingHandlers = useRef<EditingHandlers>(NO_EDITING_HANDLERS)
  const slashOpensAi = useRef(true)
  const identityRef = useRef(identity)
  useEffect(() => {
    identityRef.current = identity
  }, [identity])
  const getIdentity = useCallback(() => identityRef.current, [])

  // A viewer's edits would be dropped by the server; say so instead of pretending.
  const readOnly = token !== null && readTokenClaims(token)?.role === 'viewer'
  // Owners mint links with the access they choose; nobody else's token travels further than it reaches already.
  const sharing = linkSharing(docId, token)

  const editor = useEditor(
    {
      immediatelyRender: true,
      editable: !readOnly,
      // Opening a document (a new one especially) means writing in it.
      autofocus: readOnly ? false : 'start',
      // Toolbar and menus subscribe to exactly what they show (useEditorState).
      shouldRerenderOnTransaction: false,
      // Pasted text is read once, by the paste handling; only an address becomes a link by pattern.
      enablePasteRules: PASTE_RULES,
      extensions: editorExtensions({ session, identity, aiHandlers, editingHandlers, slashOpensAi: () => slashOpensAi.current }),
      editorProps: {
        attributes: {
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': 'Document',
          class: 'doc-content',
          spellcheck: 'true',
        },
      },
    },
    [session],
  )

  // Name and color changes reach everyone's carets and avatars live.
  useEffect(() => {
    editor.commands.updateUser({ name: identity.name, color: identity.color })
  }, [editor, identity.name, identity.color])

  const closed = connection.closed
  useEffect(() => {
    if (!closed) return
    editor.setEditable(false)
    // setEditable emits no transaction; an empty one refreshes the toolbar's state.
    editor.view.dispatch(editor.state.tr.setMeta('addToHistory', false))
    // A deleted document must not come back from this device's copy.
    if (closed.code === CloseCode.DocumentDeleted) void session.persistence.clearData().catch(() => deleteLocalCopy(docId))
  }, [closed, editor, session, docId])

  const title = useDocumentTitle(editor)
  const availability = useAiStatus(token)
  useEffect(() => {
    const next = availability.state !== 'not-configured'
    if (slashOpensAi.current === next) return
    slashOpensAi.current = next
    // Placeholders are decorations: an empty transaction redraws them.
    editor.view.dispatch(editor.state.tr.setMeta('addToHistory', false))
  }, [availability.state, editor])
  const acceptUndo = useMemo(() => new AcceptUndo(session.ydoc, () => yUndoPluginKey.getState(editor.state)?.undoManager ?? null), [session.ydoc, editor])
  const { controller, view } = useAiJob(docId, token, provider.awareness, getIdentity, acceptUndo)
  const ai = useAiUi(editor, controller, view, availability, aiHandlers)
  useFollowAiCaret(editor, provider.awareness, view.jobId, view.phase === 'running')
  const focusEditor = useCallback(() => editor.commands.focus(), [editor])

  return (
    <div className="editor-page">
      <EditorHeader title={title} toolbar={readOnly ? null : <Toolbar editor={editor} onAi={() => ai.open('button')} />}>
        {readOnly && (
          <span className="badge" data-testid="read-only" title="Your link lets you read this document, not change it.">
            View only
          </span>
        )}
        {connection.indicator && <ConnectionStatus indicator={connection.indicator} />}
        <Avatars peers={peers} self={<IdentityButton identity={identity} onChange={update} compact />} />
        {sharing.kind === 'owner' ? (
          <ShareButton docId={docId} token={token} title={title} />
        ) : (
          <CopyLinkButton docId={docId} token={token} sharing={sharing} />
        )}
        <HistoryButton docId={docId} token={token} editor={editor} access={{ canEdit: !readOnly, canOwn: sharing.kind === 'owner' || sharing.kind === 'open' }} />
        <ExportMenu docId={docId} token={token} />
      </EditorHeader>
      <main className="doc-column">
        {closed && <ClosedBanner closed={closed} />}
        <div className="editor-surface" data-testid="editor">
          <EditorContent editor={editor} />
        </div>
        {/* Fixed-position popovers, inside <main> so they belong to a landmark. */}
        {ai.commandMenu && (
          <AiCommandMenu
            editor={editor}
            via={ai.commandMenu.via}
            availability={availability}
            busy={ai.busy}
            onDismiss={ai.dismissCommandMenu}
            onRun={ai.runCommand}
          />
        )}
        <LinkPopover editor={editor} handlers={editingHandlers} />
        <AiBubbleMenu
          editor={editor}
          availability={availability}
          busy={ai.busy}
          expandRequest={ai.bubbleRequest}
          onRun={ai.runSelection}
        />
      </main>
      {/* Refused for good: the banner is the one message, and the job's buttons could only fail. */}
      {controller && !closed && <AiPanel view={view} controller={controller} onReturnFocus={focusEditor} />}
    </div>
  )
}
