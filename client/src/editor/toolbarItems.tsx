/** What the formatting toolbar offers; the Toolbar component only renders this list. */
import type { Editor } from '@tiptap/core'
import type { ReactNode } from 'react'
import {
  BulletListIcon,
  CodeBlockIcon,
  CodeIcon,
  OrderedListIcon,
  QuoteIcon,
  RedoIcon,
  RuleIcon,
  UndoIcon,
} from '../ui/icons.tsx'
import { BLOCK_EXTRAS, HIGHLIGHT, LINK, UNDERLINE } from './toolbarExtras.tsx'

export interface ToolbarItem {
  id: string
  label: string
  shortcut?: string
  content: ReactNode
  /** Toggles report their state with aria-pressed; actions (undo, rule) do not. */
  toggle: boolean
  isActive: (editor: Editor) => boolean
  canRun: (editor: Editor) => boolean
  run: (editor: Editor) => void
}

type Group = ToolbarItem[]

const never = () => false

const heading = (level: 1 | 2 | 3): ToolbarItem => ({
  id: `h${level}`,
  label: `Heading ${level}`,
  shortcut: `Mod-Alt-${level}`,
  content: <span className="toolbar__text">H{level}</span>,
  toggle: true,
  isActive: (editor) => editor.isActive('heading', { level }),
  canRun: (editor) => editor.can().toggleHeading({ level }),
  run: (editor) => editor.chain().focus().toggleHeading({ level }).run(),
})

export const TOOLBAR_GROUPS: Group[] = [
  [
    {
      id: 'undo',
      label: 'Undo',
      shortcut: 'Mod-Z',
      content: <UndoIcon />,
      toggle: false,
      isActive: never,
      canRun: (editor) => editor.can().undo(),
      // Through the keymap, so a pending AI job offers Discard as Ctrl+Z does
      // (aiShortcuts.ts) instead of undoing earlier typing.
      run: (editor) => editor.chain().focus().keyboardShortcut('Mod-z').run(),
    },
    {
      id: 'redo',
      label: 'Redo',
      shortcut: 'Mod-Shift-Z',
      content: <RedoIcon />,
      toggle: false,
      isActive: never,
      canRun: (editor) => editor.can().redo(),
      run: (editor) => editor.chain().focus().redo().run(),
    },
  ],
  [heading(1), heading(2), heading(3)],
  [
    {
      id: 'bold',
      label: 'Bold',
      shortcut: 'Mod-B',
      content: <strong className="toolbar__text">B</strong>,
      toggle: true,
      isActive: (editor) => editor.isActive('bold'),
      canRun: (editor) => editor.can().toggleBold(),
      run: (editor) => editor.chain().focus().toggleBold().run(),
    },
    {
      id: 'italic',
      label: 'Italic',
      shortcut: 'Mod-I',
      content: <em className="toolbar__text toolbar__text--serif">I</em>,
      toggle: true,
      isActive: (editor) => editor.isActive('italic'),
      canRun: (editor) => editor.can().toggleItalic(),
      run: (editor) => editor.chain().focus().toggleItalic().run(),
    },
    UNDERLINE,
    {
      id: 'strike',
      label: 'Strikethrough',
      shortcut: 'Mod-Shift-S',
      content: <s className="toolbar__text">S</s>,
      toggle: true,
      isActive: (editor) => editor.isActive('strike'),
      canRun: (editor) => editor.can().toggleStrike(),
      run: (editor) => editor.chain().focus().toggleStrike().run(),
    },
    {
      id: 'code',
      label: 'Inline code',
      shortcut: 'Mod-E',
      content: <CodeIcon />,
      toggle: true,
      isActive: (editor) => editor.isActive('code'),
      canRun: (editor) => editor.can().toggleCode(),
      run: (editor) => editor.chain().focus().toggleCode().run(),
    },
    HIGHLIGHT,
    LINK,
  ],
  [
    {
      id: 'bulletList',
      label: 'Bullet list',
      shortcut: 'Mod-Shift-8',
      content: <BulletListIcon />,
      toggle: true,
      isActive: (editor) => editor.isActive('bulletList'),
      canRun: (editor) => editor.can().toggleBulletList(),
      run: (editor) => editor.chain().focus().toggleBulletList().run(),
    },
    {
      id: 'orderedList',
      label: 'Numbered list',
      shortcut: 'Mod-Shift-7',
      content: <OrderedListIcon />,
      toggle: true,
      isActive: (editor) => editor.isActive('orderedList'),
      canRun: (editor) => editor.can().toggleOrderedList(),
      run: (editor) => editor.chain().focus().toggleOrderedList().run(),
    },
    {
      id: 'blockquote',
      label: 'Quote',
      shortcut: 'Mod-Shift-B',
      content: <QuoteIcon />,
      toggle: true,
      isActive: (editor) => editor.isActive('blockquote'),
      canRun: (editor) => editor.can().toggleBlockquote(),
      run: (editor) => editor.chain().focus().toggleBlockquote().run(),
    },
    {
      id: 'codeBlock',
      label: 'Code block',
      shortcut: 'Mod-Alt-C',
      content: <CodeBlockIcon />,
      toggle: true,
      isActive: (editor) => editor.isActive('codeBlock'),
      canRun: (editor) => editor.can().toggleCodeBlock(),
      run: (editor) => editor.chain().focus().toggleCodeBlock().run(),
    },
    {
      id: 'horizontalRule',
      label: 'Divider',
      content: <RuleIcon />,
      toggle: false,
      isActive: never,
      canRun: (editor) => editor.can().setHorizontalRule(),
      run: (editor) => editor.chain().focus().setHorizontalRule().run(),
    },
  ],
  BLOCK_EXTRAS,
]

export const TOOLBAR_ITEMS: ToolbarItem[] = TOOLBAR_GROUPS.flat()
