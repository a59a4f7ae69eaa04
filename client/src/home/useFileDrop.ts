import { useRef, useState, type DragEvent } from 'react'

/**
 * Drag-and-drop of files onto an element: `active` while files are over it
 * (for the visible drop state). Drag events fire again for every child the
 * pointer crosses, so entries and exits are counted rather than toggled.
 */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const [active, setActive] = useState(false)
  const depth = useRef(0)
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files')
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      depth.current++
      setActive(true)
    },
    onDragOver: (e: DragEvent) => {
      if (!hasFiles(e)) return
      // Without this the browser opens the file instead of dropping it here.
      e.preventDefault()
      e.dataTransfer.dropEffect = 'copy'
    },
    onDragLeave: (e: DragEvent) => {
      if (!hasFiles(e)) return
      depth.current = Math.max(0, depth.current - 1)
      if (depth.current === 0) setActive(false)
    },
    onDrop: (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      depth.current = 0
      setActive(false)
      const files = Array.from(e.dataTransfer.files)
      if (files.length > 0) onFiles(files)
    },
  }
  return { active, handlers }
}
