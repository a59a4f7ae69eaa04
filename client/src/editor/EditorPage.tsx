import { useState } from 'react'
import { MissingDocPage } from '../app/MissingDocPage.tsx'
import { OfflineDocPage } from '../app/OfflineDocPage.tsx'
import { useDocPresence } from '../app/useDocPresence.ts'
import { captureDocToken } from '../auth/token.ts'
import { useCollabSession } from '../collab/useCollabSession.ts'
import type { IdentityHandle } from '../identity/useIdentity.ts'
import { EditorScreen } from './EditorScreen.tsx'

function Opening() {
  return (
    <div className="page-loading" role="status">
      Opening document…
    </div>
  )
}

/**
 * `/d/<id>`: takes the share token from the URL, asks whether the document
 * exists, then opens it. The session starts only after that answer: the
 * editor (and its local copy) would otherwise create the document it shows.
 */
export function EditorPage({ docId, identity }: { docId: string; identity: IdentityHandle }) {
  // Once per mount (the App keys this page by doc id); repeated calls are harmless.
  const [token] = useState(() => captureDocToken(docId))
  const { presence, opened, retry } = useDocPresence(docId, token)
  if (presence === 'checking') return <Opening />
  if (presence === 'missing') return <MissingDocPage docId={docId} token={token} onCreated={opened} />
  if (presence === 'offline') return <OfflineDocPage onRetry={retry} />
  return <OpenDocument docId={docId} token={token} identity={identity} />
}

function OpenDocument({ docId, token, identity }: { docId: string; token: string | null; identity: IdentityHandle }) {
  const session = useCollabSession(docId, token)
  if (!session) return <Opening />
  return <EditorScreen session={session} token={token} identity={identity} />
}
