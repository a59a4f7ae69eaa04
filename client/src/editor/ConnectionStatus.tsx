import { INDICATOR_LABELS, type Indicator } from '../collab/indicator.ts'

const DESCRIPTIONS: Record<Indicator, string> = {
  saved: 'All changes are saved on the server.',
  saving: 'Sending your latest changes to the server.',
  offline: 'Not connected. Your changes are kept on this device and sync when you are back online.',
  reconnecting: 'Connection lost. Trying to reconnect; your changes are kept on this device.',
  connecting: 'Connecting to the server.',
}

export function ConnectionStatus({ indicator }: { indicator: Indicator }) {
  return (
    <div
      className={`connection-status connection-status--${indicator}`}
      data-testid="connection-status"
      data-state={indicator}
      role="status"
      title={DESCRIPTIONS[indicator]}
    >
      <span className="connection-status__dot" aria-hidden="true" />
      <span className="connection-status__label">{INDICATOR_LABELS[indicator]}</span>
      <span className="visually-hidden">. {DESCRIPTIONS[indicator]}</span>
    </div>
  )
}
