import { Link } from '../app/Link.tsx'
import type { PermanentClose } from '../collab/closeReason.ts'

/** The server refused this document for good; say why and offer a way out. */
export function ClosedBanner({ closed }: { closed: PermanentClose }) {
  return (
    <div className="closed-banner" role="alert" data-testid="connection-closed" data-code={closed.code}>
      <div>
        <p className="closed-banner__title">{closed.title}</p>
        <p className="closed-banner__detail">{closed.detail}</p>
      </div>
      <Link href="/" className="button">
        All documents
      </Link>
    </div>
  )
}
