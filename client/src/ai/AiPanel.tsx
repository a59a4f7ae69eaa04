import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import { SparkleIcon } from '../ui/icons.tsx'
import type { AiJobController } from './aiJobController.ts'
import { OP_DONE_LABELS, OP_PROGRESS_LABELS, canDiscard, errorText, type AiJobView } from './aiJobView.ts'
import { usePanelRoom } from './usePanelRoom.ts'

interface AiPanelProps {
  view: AiJobView
  controller: AiJobController
  /** Focus goes back to the document when the panel is done or dismissed with Escape. */
  onReturnFocus: () => void
}

/** The requester's AI job: progress with Stop, then Accept / Discard, or the error. */
export function AiPanel({ view, controller, onReturnFocus }: AiPanelProps) {
  const discardRef = useRef<HTMLButtonElement>(null)
  /** Accept when finished, Keep / Dismiss when failed: where focus goes after Stop. */
  const settleRef = useRef<HTMLButtonElement>(null)
  const stopHadFocus = useRef(false)
  const [hinted, setHinted] = useState(0)
  const hintId = useId()
  const [panelRef, room] = usePanelRoom<HTMLElement>(view.phase !== 'idle')

  // Mod-z after a finished job lands here: focus Discard and say what Enter does.
  useEffect(() => {
    if (view.discardOffer === 0 || !canDiscard(view)) return
    setHinted(view.discardOffer)
    discardRef.current?.focus()
    // Only a new offer moves focus, not other changes to the view.
  }, [view.discardOffer])

  const settledBefore = useRef(view.phase)
  useEffect(() => {
    const was = settledBefore.current
    settledBefore.current = view.phase
    // After Accept / Discard the panel disappears; keep focus somewhere useful.
    if (view.phase === 'idle' && was !== 'idle' && document.activeElement === document.body) onReturnFocus()
    // Stop's button unmounts once the job ends; keep a keyboard user in the panel.
    if ((view.phase === 'finished' || view.phase === 'failed') && stopHadFocus.current) {
      stopHadFocus.current = false
      if (document.activeElement === document.body) settleRef.current?.focus()
    }
  }, [view.phase, onReturnFocus])

  if (view.phase === 'idle') return null

  const op = view.op ?? 'generate'
  const showHint = hinted !== 0 && hinted === view.discardOffer && canDiscard(view)
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape') return
    event.preventDefault()
    if (view.phase === 'starting' || view.phase === 'running') {
      // Escape means "stop" here as in the editor. Focus stays in the panel,
      // moving on to Accept once Stop's button is gone.
      stopHadFocus.current = true
      void controller.stop()
    } else {
      onReturnFocus()
    }
  }

  return (
    <>
      <div className="ai-panel-room" aria-hidden="true" style={{ height: room }} />
      <section
        ref={panelRef}
        className={`ai-panel ai-panel--${view.phase}`}
        data-testid="ai-panel"
        data-phase={view.phase}
        aria-label="AI job"
        onKeyDown={onKeyDown}
      >
        <div className="ai-panel__status" role="status">
          <span className={`ai-panel__icon${view.phase === 'running' || view.phase === 'starting' ? ' is-live' : ''}`} aria-hidden="true">
            <SparkleIcon />
          </span>
          <div className="ai-panel__text">
            <StatusText view={view} op={op} />
            {showHint && (
              <p id={hintId} className="ai-panel__hint">
                Press Enter to discard the AI text
              </p>
            )}
          </div>
        </div>
        <div className="ai-panel__actions">
          {(view.phase === 'starting' || view.phase === 'running') && (
            <button
              type="button"
              className="button"
              data-testid="ai-stop"
              disabled={view.busy === 'cancel'}
              onClick={(event) => {
                stopHadFocus.current = document.activeElement === event.currentTarget
                void controller.stop()
              }}
            >
              {view.busy === 'cancel' ? 'Stopping…' : 'Stop'}
            </button>
          )}
          {canDiscard(view) && (
            <button
              ref={discardRef}
              type="button"
              className="button"
              data-testid="ai-discard"
              aria-describedby={showHint ? hintId : undefined}
              disabled={view.busy !== null}
              onClick={() => void controller.discard()}
            >
              {view.busy === 'discard' ? 'Discarding…' : 'Discard'}
            </button>
          )}
          {view.phase === 'finished' && (
            <button
              ref={settleRef}
              type="button"
              className="button button--primary"
              data-testid="ai-accept"
              disabled={view.busy !== null}
              onClick={() => void controller.accept()}
            >
              {view.busy === 'accept' ? 'Accepting…' : 'Accept'}
            </button>
          )}
          {view.phase === 'failed' && (
            <button ref={settleRef} type="button" className="button button--ghost" data-testid="ai-dismiss" onClick={() => void controller.dismiss()}>
              {canDiscard(view) ? 'Keep' : 'Dismiss'}
            </button>
          )}
        </div>
      </section>
    </>
  )
}

function StatusText({ view, op }: { view: AiJobView; op: keyof typeof OP_PROGRESS_LABELS }) {
  if (view.phase === 'starting' || view.phase === 'running') {
    return (
      <>
        <p className="ai-panel__title">
          {OP_PROGRESS_LABELS[op]}
          <span className="ai-panel__dots" aria-hidden="true" />
        </p>
        {view.reconnecting && (
          <p className="ai-panel__detail" data-testid="ai-connection">
            {view.offline
              ? 'You are offline. The AI keeps writing on the server; you will see its text when you are back online.'
              : 'Connection lost — reconnecting. The AI keeps writing meanwhile.'}
          </p>
        )}
        <ActionProblem error={view.error} />
      </>
    )
  }
  if (view.phase === 'finished') {
    return (
      <>
        <p className="ai-panel__title">
          {view.finishStatus === 'cancelled' ? 'Stopped. The text written so far is in the document.' : OP_DONE_LABELS[op]}
        </p>
        <p className="ai-panel__detail">Keep the AI text, or discard it to restore the document.</p>
        <ActionProblem error={view.error} />
      </>
    )
  }
  return (
    <>
      <p className="ai-panel__title">The AI request did not complete</p>
      <p className="ai-panel__error" data-testid="ai-error" role="alert">
        {view.error ? errorText(view.error) : 'Something went wrong.'}
      </p>
      {canDiscard(view) && <p className="ai-panel__detail">Some AI text was already written. Keep it or discard it.</p>}
    </>
  )
}

/** An action waiting for the network is news, not an error: it will go through by itself. */
function ActionProblem({ error }: { error: AiJobView['error'] }) {
  if (!error) return null
  if (error.code === 'action_pending') {
    return (
      <p className="ai-panel__detail" data-testid="ai-pending">
        {error.message}
      </p>
    )
  }
  return (
    <p className="ai-panel__error" data-testid="ai-error" role="alert">
      {errorText(error)}
    </p>
  )
}
