import type { ReactNode } from 'react'
import type { Peer } from '../collab/peers.ts'
import { initials } from '../identity/identity.ts'
import { readableTextColor } from '../identity/palette.ts'
import { SparkleIcon } from '../ui/icons.tsx'

const MAX_SHOWN = 5

function describe(peer: Peer): string {
  return peer.ai ? `${peer.name} (AI, working)` : peer.name
}

interface AvatarsProps {
  peers: Peer[]
  /** My own avatar is the identity button, so name and color are one click away. */
  self: ReactNode
}

/** Everyone in the room as a row of avatars: me first, then AI participants, then others. */
export function Avatars({ peers, self }: AvatarsProps) {
  // A finished job waiting for Accept/Discard keeps its awareness state (the
  // pending mark reads it), but nobody is working any more.
  const others = peers.filter((peer) => !peer.isSelf && peer.ai?.status !== 'pending')
  const shown = others.slice(0, MAX_SHOWN)
  const hidden = others.slice(MAX_SHOWN)
  const count = others.length + 1
  return (
    <ul
      className="avatars"
      data-testid="avatars"
      aria-label={count === 1 ? 'Only you are here' : `${count} here, including you`}
    >
      <li className="avatars__self" data-testid="avatar" data-kind="self">
        {self}
      </li>
      {shown.map((peer) => (
        <li
          key={peer.clientId}
          className={`avatar${peer.ai ? ' avatar--ai' : ''}`}
          style={{ backgroundColor: peer.color, color: readableTextColor(peer.color) }}
          title={describe(peer)}
          aria-label={describe(peer)}
          data-testid="avatar"
          data-kind={peer.ai ? 'ai' : 'person'}
        >
          <span aria-hidden="true">{peer.ai ? <SparkleIcon size={15} /> : initials(peer.name)}</span>
        </li>
      ))}
      {hidden.length > 0 && (
        <li
          className="avatar avatar--more"
          title={hidden.map(describe).join(', ')}
          aria-label={`and ${hidden.length} more: ${hidden.map(describe).join(', ')}`}
        >
          <span aria-hidden="true">+{hidden.length}</span>
        </li>
      )}
    </ul>
  )
}
