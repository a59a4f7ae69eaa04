/**
 * Renders a version compared with the current document (versionDiff.ts),
 * read-only, with the editor's own typography (`doc-content`).
 *
 * Inline: one column, text written since the version underlined in green
 * (`<ins>`), text gone since struck through in red (`<del>`), and whole
 * blocks marked the same way. Side by side: the version on the left with
 * what is gone since, the current document on the right with what is new,
 * row by row so that a paragraph and its edit stand level.
 *
 * Everything is built as React elements from the JSON, never as HTML, so a
 * version's content can't inject markup; link targets go through the same
 * `safeHref` rule as the editor.
 */
import { Fragment, type ReactNode } from 'react'
import { safeHref } from '../../../shared/markdown/href.ts'
import { LINK_REL, LINK_TARGET } from '../../../shared/editorSchema.ts'
import type { BlockDiff, DocJson, InlinePiece, MarkJson } from './versionDiff.ts'

export type DiffLayout = 'inline' | 'side-by-side'

/** Which document a column shows: both (inline), the version, or the current one. */
type Side = 'both' | 'old' | 'new'

const LABEL: Record<'added' | 'removed' | 'changed', string> = {
  added: 'Added since this version',
  removed: 'Removed since this version',
  changed: 'Changed since this version',
}

export function DiffView({ blocks, layout }: { blocks: BlockDiff[]; layout: DiffLayout }) {
  if (layout === 'inline') {
    return (
      <div className="doc-content version-diff" data-testid="version-diff">
        {blocks.map((block, i) => renderBlock(block, 'both', i))}
      </div>
    )
  }
  return (
    <div className="version-diff version-diff--sides" data-testid="version-diff" role="table" aria-label="This version beside the current document">
      <div className="version-diff__row version-diff__heads" role="row">
        <div role="columnheader">This version</div>
        <div role="columnheader">Now</div>
      </div>
      {blocks.map((block, i) => (
        <div key={i} className={`version-diff__row version-diff__row--${block.change}`} role="row">
          <div className="doc-content" role="cell">
            {renderBlock(block, 'old', 0)}
          </div>
          <div className="doc-content" role="cell">
            {renderBlock(block, 'new', 0)}
          </div>
        </div>
      ))}
    </div>
  )
}

function renderBlock(block: BlockDiff, side: Side, key: number): ReactNode {
  if (block.change === 'added' && side === 'old') return null
  if (block.change === 'removed' && side === 'new') return null
  if (block.change === 'same') return renderNode(block.node, key)
  if (block.change === 'added' || block.change === 'removed') return renderNode(block.node, key, block.change)
  const node = side === 'old' ? block.old! : block.node
  if (block.inline) return renderNode(node, key, 'changed', renderPieces(block.inline, side))
  if (block.children) return renderNode(node, key, attrsChanged(block) ? 'changed' : undefined, block.children.map((child, i) => renderBlock(child, side, i)))
  return renderNode(node, key, 'changed')
}

/** The block itself changed, not only what is in it: a task ticked, a cell made a header. */
function attrsChanged(block: BlockDiff): boolean {
  return block.old?.type !== block.node.type || JSON.stringify(block.old?.attrs ?? null) !== JSON.stringify(block.node.attrs ?? null)
}

function renderPieces(pieces: InlinePiece[], side: Side): ReactNode[] {
  const out: ReactNode[] = []
  pieces.forEach((piece, i) => {
    if (piece.change === 'added' && side === 'old') return
    if (piece.change === 'removed' && side === 'new') return
    const content = piece.node ? renderInlineNode(piece.node, i) : withMarks(piece.text ?? '', piece.marks ?? [])
    if (piece.change === 'added') {
      out.push(
        <ins key={i} className="diff-ins">
          {content}
        </ins>,
      )
    } else if (piece.change === 'removed') {
      out.push(
        <del key={i} className="diff-del">
          {content}
        </del>,
      )
    } else {
      out.push(<Fragment key={i}>{content}</Fragment>)
    }
  })
  return out
}

function renderInline(content: DocJson[] | undefined): ReactNode[] {
  return (content ?? []).map((child, i) => (child.type === 'text' ? <Fragment key={i}>{withMarks(child.text ?? '', child.marks ?? [])}</Fragment> : renderInlineNode(child, i)))
}

function renderInlineNode(node: DocJson, key: number): ReactNode {
  if (node.type === 'hardBreak') return <br key={key} />
  return <span key={key}>{renderInline(node.content)}</span>
}

function withMarks(text: string, marks: MarkJson[]): ReactNode {
  let out: ReactNode = text
  for (const mark of marks) {
    switch (mark.type) {
      case 'bold':
        out = <strong>{out}</strong>
        break
      case 'italic':
        out = <em>{out}</em>
        break
      case 'strike':
        out = <s>{out}</s>
        break
      case 'underline':
        out = <u>{out}</u>
        break
      case 'code':
        out = <code>{out}</code>
        break
      case 'highlight':
        out = <mark>{out}</mark>
        break
      case 'link': {
        const href = typeof mark.attrs?.href === 'string' ? safeHref(mark.attrs.href) : null
        out = href ? (
          <a href={href} target={LINK_TARGET} rel={LINK_REL}>
            {out}
          </a>
        ) : (
          out
        )
        break
      }
    }
  }
  return out
}

/**
 * One block element. `mark` outlines a block added, removed or changed
 * since the version; a hidden word says which, since color alone doesn't.
 */
function renderNode(node: DocJson, key: number, mark?: 'added' | 'removed' | 'changed', inner?: ReactNode): ReactNode {
  const className = mark ? `diff-block diff-block--${mark}` : undefined
  const label = mark ? <span className="visually-hidden">{`${LABEL[mark]}: `}</span> : null
  const children = inner ?? (isInlineContent(node) ? renderInline(node.content) : (node.content ?? []).map((child, i) => renderNode(child, i)))
  const attrs = node.attrs ?? {}
  switch (node.type) {
    case 'paragraph':
      return (
        <p key={key} className={className}>
          {label}
          {children}
        </p>
      )
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(attrs.level) || 1))
      const Tag = `h${level}` as 'h1'
      return (
        <Tag key={key} className={className}>
          {label}
          {children}
        </Tag>
      )
    }
    case 'codeBlock':
      return (
        <pre key={key} className={className}>
          {label}
          <code>{children}</code>
        </pre>
      )
    case 'blockquote':
      return (
        <blockquote key={key} className={className}>
          {label}
          {children}
        </blockquote>
      )
    case 'bulletList':
      return listBlock(key, className, label, <ul>{children}</ul>)
    case 'orderedList':
      return listBlock(key, className, label, <ol start={typeof attrs.start === 'number' ? attrs.start : undefined}>{children}</ol>)
    case 'taskList':
      return listBlock(key, className, label, <ul data-type="taskList">{children}</ul>)
    case 'listItem':
      return (
        <li key={key} className={className}>
          {label}
          {children}
        </li>
      )
    case 'taskItem':
      return (
        <li key={key} className={className} data-checked={attrs.checked === true}>
          <label>
            <input type="checkbox" checked={attrs.checked === true} disabled readOnly aria-label={attrs.checked === true ? 'Done' : 'Not done'} />
          </label>
          <div>
            {label}
            {children}
          </div>
        </li>
      )
    case 'horizontalRule':
      return <hr key={key} className={className} />
    case 'table':
      return (
        <div key={key} className={`tableWrapper ${className ?? ''}`}>
          {label}
          <table>
            <tbody>{children}</tbody>
          </table>
        </div>
      )
    case 'tableRow':
      // A row added or removed whole: each cell says so, since a row has no place for words of its own.
      return (
        <tr key={key} className={className}>
          {mark && mark !== 'changed' && !inner ? (node.content ?? []).map((cell, i) => renderNode(cell, i, mark)) : children}
        </tr>
      )
    case 'tableHeader':
    case 'tableCell': {
      const Cell = node.type === 'tableHeader' ? 'th' : 'td'
      return (
        <Cell key={key} className={className} colSpan={num(attrs.colspan)} rowSpan={num(attrs.rowspan)}>
          {label}
          {children}
        </Cell>
      )
    }
    default:
      return (
        <div key={key} className={className}>
          {label}
          {children}
        </div>
      )
  }
}

/**
 * A list, in a box of its own when it is marked: the hidden label can't go
 * inside a <ul> or <ol>, whose children must be items.
 */
function listBlock(key: number, className: string | undefined, label: ReactNode, list: ReactNode): ReactNode {
  if (!className) return <Fragment key={key}>{list}</Fragment>
  return (
    <div key={key} className={className}>
      {label}
      {list}
    </div>
  )
}

function isInlineContent(node: DocJson): boolean {
  return node.content?.some((child) => child.type === 'text' || child.type === 'hardBreak') ?? false
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && value > 1 ? value : undefined
}
