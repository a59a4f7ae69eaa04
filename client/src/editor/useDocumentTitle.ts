import type { Editor } from '@tiptap/core'
import { useEditorState } from '@tiptap/react'
import { useEffect } from 'react'

/** The document's title is its first line, as on the server's document list. */
export function useDocumentTitle(editor: Editor): string {
  const title =
    useEditorState({
      editor,
      selector: ({ editor: current }) => current.state.doc.firstChild?.textContent.trim().slice(0, 120) || 'Untitled',
    }) ?? 'Untitled'
  useEffect(() => {
    document.title = `${title} · Quill`
    return () => {
      document.title = 'Quill'
    }
  }, [title])
  return title
}
