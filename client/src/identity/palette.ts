/**
 * Person colors. Each keeps at least 4.5:1 contrast with white text, so
 * avatar initials and caret labels stay readable (WCAG AA).
 */
export const PALETTE = [
  '#b42318',
  '#c2410c',
  '#b45309',
  '#4d7c0f',
  '#15803d',
  '#0f766e',
  '#0e7490',
  '#0369a1',
  '#1d4ed8',
  '#4338ca',
  '#6d28d9',
  '#a21caf',
  '#be185d',
] as const

export const COLOR_NAMES: Record<(typeof PALETTE)[number], string> = {
  '#b42318': 'Brick',
  '#c2410c': 'Rust',
  '#b45309': 'Amber',
  '#4d7c0f': 'Olive',
  '#15803d': 'Green',
  '#0f766e': 'Teal',
  '#0e7490': 'Cyan',
  '#0369a1': 'Ocean',
  '#1d4ed8': 'Blue',
  '#4338ca': 'Indigo',
  '#6d28d9': 'Violet',
  '#a21caf': 'Orchid',
  '#be185d': 'Rose',
}

const HEX = /^#[0-9a-fA-F]{6}$/

/** Black or white, whichever reads better on `background` (others may pick any color). */
export function readableTextColor(background: string): '#111827' | '#ffffff' {
  if (!HEX.test(background)) return '#ffffff'
  const channel = (i: number) => {
    const v = parseInt(background.slice(i, i + 2), 16) / 255
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
  // Contrast with white is 1.05 / (L + 0.05); with near-black about (L + 0.05) / 0.06.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.06 ? '#ffffff' : '#111827'
}

export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX.test(value)
}
