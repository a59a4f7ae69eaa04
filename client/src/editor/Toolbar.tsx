import type { Editor } from '@tiptap/core'
import { useEditorState } from '@tiptap/react'
import { Fragment, useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import { SparkleIcon } from '../ui/icons.tsx'
import { shortcutHint } from '../ui/platform.ts'
import { TableMenu } from './tables/TableMenu.tsx'
import { TOOLBAR_GROUPS, TOOLBAR_ITEMS } from './toolbarItems.tsx'

interface ToolbarProps {
  editor: Editor
  onAi: () => void
}

interface ItemState {
  active: boolean
  enabled: boolean
}

/**
 * Formatting controls. One tab stop for the whole toolbar; arrow keys move
 * between buttons (the WAI-ARIA toolbar pattern), so keyboard users reach
 * the document quickly.
 */
export function Toolbar({ editor, onAi }: ToolbarProps) {
  const states = useEditorState({
    editor,
    selector: ({ editor: current }): Record<string, ItemState> => {
      const result: Record<string, ItemState> = {}
      for (const item of TOOLBAR_ITEMS) {
        result[item.id] = {
          active: item.isActive(current),
          enabled: current.isEditable && item.canRun(current),
        }
      }
      result.ai = { active: false, enabled: current.isEditable }
      result.tableMenu = { active: false, enabled: current.isEditable && current.isActive('table') }
      return result
    },
    equalityFn: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  })
  const [focusIndex, setFocusIndex] = useState(0)
  const toolbarRef = useRef<HTMLDivElement>(null)

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') return backToDocument(event, editor)
    const buttons = Array.from(toolbarRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement)
    const moves: Record<string, number> = {
      ArrowRight: current + 1,
      ArrowLeft: current - 1,
      Home: 0,
      End: buttons.length - 1,
    }
    const target = moves[event.key]
    if (target === undefined || current < 0) return
    event.preventDefault()
    const next = (target + buttons.length) % buttons.length
    setFocusIndex(next)
    buttons[next]?.focus()
  }

  const inTable = states?.tableMenu?.enabled ?? false
  useRevealTableMenu(toolbarRef, inTable)
  // The table menu comes and goes with the caret: never leave the tab stop on a button that is gone.
  const stops = TOOLBAR_ITEMS.length + (inTable ? 1 : 0) + 1
  const tabStop = Math.min(focusIndex, stops - 1)
  let index = -1
  const nextIndex = () => ++index

  return (
    <div ref={toolbarRef} className="toolbar" role="toolbar" aria-label="Formatting" aria-keyshortcuts="Alt+F10" data-testid="toolbar" onKeyDown={onKeyDown}>
      {TOOLBAR_GROUPS.map((group, groupIndex) => (
        <Fragment key={group[0]?.id ?? groupIndex}>
          {groupIndex > 0 && <span className="toolbar__divider" aria-hidden="true" />}
          {group.map((item) => {
            const position = nextIndex()
            const state = states?.[item.id] ?? { active: false, enabled: false }
            const hint = item.shortcut ? `${item.label} (${shortcutHint(item.shortcut)})` : item.label
            return (
              <button
                key={item.id}
                type="button"
                className={`toolbar__button${state.active ? ' is-active' : ''}`}
                aria-label={item.label}
                aria-pressed={item.toggle ? state.active : undefined}
                aria-keyshortcuts={item.shortcut?.replace('Mod', 'Control').replace(/-/g, '+')}
                title={hint}
                // aria-disabled rather than disabled: a disabled button cannot hold the toolbar's tab stop.
                aria-disabled={!state.enabled}
                tabIndex={position === tabStop ? 0 : -1}
                data-testid={`toolbar-${item.id}`}
                // Keep the editor's selection: the click must not move focus first.
                onMouseDown={(event) => event.preventDefault()}
                onFocus={() => setFocusIndex(position)}
                onClick={() => state.enabled && item.run(editor)}
              >
                {item.content}
              </button>
            )
          })}
        </Fragment>
      ))}
      {inTable && <TableMenuStop editor={editor} position={nextIndex()} tabStop={tabStop} setFocusIndex={setFocusIndex} />}
      <span className="toolbar__spacer" />
      <AiButton
        position={nextIndex()}
        focusIndex={tabStop}
        setFocusIndex={setFocusIndex}
        enabled={states?.ai?.enabled ?? false}
        onAi={onAi}
      />
    </div>
  )
}

/**
 * Esc leaves the toolbar for the document, where the caret still is (as in
 * desktop word processors): Alt+F10 goes there, and without this the way
 * back was Tab through whatever follows. An open menu's Esc is its own
 * (the table menu is portalled, but React still bubbles its keys here).
 */
function backToDocument(event: KeyboardEvent<HTMLDivElement>, editor: Editor): void {
  const target = event.target as HTMLElement
  if (target.closest('[role="menu"]') || target.getAttribute('aria-expanded') === 'true') return
  event.preventDefault()
  editor.commands.focus()
}

/**
 * On a phone the toolbar scrolls sideways, and the Table menu, which appears
 * when the caret enters a table, came in out of sight past the AI button
 * that stays at the end. Scroll just enough to show it, once each time it appears.
 */
function useRevealTableMenu(toolbarRef: RefObject<HTMLDivElement | null>, inTable: boolean): void {
  useEffect(() => {
    const toolbar = toolbarRef.current
    const menu = toolbar?.querySelector('[data-testid="toolbar-table-menu"]')
    const ai = toolbar?.querySelector('[data-testid="toolbar-ai"]')
    if (!inTable || !toolbar || !menu || !ai) return
    const hiddenBy = menu.getBoundingClientRect().right - ai.getBoundingClientRect().left
    if (hiddenBy > 0) toolbar.scrollLeft += hiddenBy
  }, [toolbarRef, inTable])
}

function TableMenuStop({ editor, position, tabStop, setFocusIndex }: { editor: Editor; position: number; tabStop: number; setFocusIndex: (index: number) => void }) {
  return (
    <>
      <span className="toolbar__divider" aria-hidden="true" />
      <TableMenu editor={editor} tabStop={position === tabStop} onFocus={() => setFocusIndex(position)} />
    </>
  )
}

function AiButton({
  position,
  focusIndex,
  setFocusIndex,
  enabled,
  onAi,
}: {
  position: number
  focusIndex: number
  setFocusIndex: (index: number) => void
  enabled: boolean
  onAi: () => void
}) {
  return (
    <button
      type="button"
      className="toolbar__button toolbar__button--ai"
      aria-label="AI"
      aria-haspopup="menu"
      aria-keyshortcuts="Control+J"
      title={`AI commands (${shortcutHint('Mod-J')})`}
      aria-disabled={!enabled}
      tabIndex={position === focusIndex ? 0 : -1}
      data-testid="toolbar-ai"
      onMouseDown={(event) => event.preventDefault()}
      onFocus={() => setFocusIndex(position)}
      onClick={() => enabled && onAi()}
    >
      <SparkleIcon />
      <span className="toolbar__text">AI</span>
    </button>
  )
}
