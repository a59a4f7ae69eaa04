import { useState } from 'react'
import { captureDocToken } from '../auth/token.ts'
import { useCollabSession } from '../collab/useCollabSession.ts'
import type { IdentityHandle } from '../identity/useIdentity.ts'
import { EditorScreen } from './EditorScreen.tsx'

/** `/d/<id>`: takes the share token from the URL, then opens the document. */
export function EditorPage({ docId, identity }: { docId: string; identity: IdentityHandle }) {
  // Once per mount (the App keys this page by doc id); repeated calls are harmless.
  const [token] = useState(() => captureDocToken(docId))
  const session = useCollabSession(docId, token)
  if (!session) {
    return (
      <div className="page-loading" role="status">
        Opening document…
      </div>
    )
  }
  return <EditorScreen session={session} token={token} identity={identity} />
}
