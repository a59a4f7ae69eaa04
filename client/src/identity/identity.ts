/**
 * Who "I" am in a room: a display name, a color, and a stable random id that
 * the server uses to allow one AI job per person per document. There are no
 * accounts; this lives in localStorage.
 */
import { PALETTE, isHexColor } from './palette.ts'

export interface Identity {
  id: string
  name: string
  color: string
}

export const IDENTITY_STORAGE_KEY = 'quill.identity'
export const NAME_MAX_LENGTH = 40

const ADJECTIVES = [
  'Curious', 'Gentle', 'Bright', 'Quiet', 'Clever', 'Brave', 'Calm', 'Witty',
  'Nimble', 'Sunny', 'Patient', 'Merry', 'Bold', 'Kind', 'Swift', 'Thoughtful',
]
const ANIMALS = [
  'Otter', 'Heron', 'Fox', 'Badger', 'Owl', 'Panda', 'Lynx', 'Robin',
  'Koala', 'Seal', 'Wren', 'Hare', 'Puffin', 'Marten', 'Finch', 'Ibex',
]

type Random = () => number

const pick = <T,>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)] as T

export function randomName(random: Random = Math.random): string {
  return `${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`
}

export function randomId(): string {
  return crypto.randomUUID()
}

export function randomIdentity(random: Random = Math.random): Identity {
  return { id: randomId(), name: randomName(random), color: pick(PALETTE, random) }
}

/** Trims and bounds a typed name; an empty name falls back to `fallback`. */
export function cleanName(name: string, fallback: string): string {
  const trimmed = name.replace(/\s+/g, ' ').trim().slice(0, NAME_MAX_LENGTH)
  return trimmed || fallback
}

/** Validates what localStorage holds; anything malformed counts as absent. */
export function parseIdentity(raw: string | null): Identity | null {
  if (!raw) return null
  try {
    const value: unknown = JSON.parse(raw)
    if (typeof value !== 'object' || value === null) return null
    const { id, name, color } = value as Record<string, unknown>
    if (typeof id !== 'string' || id.length === 0 || id.length > 64) return null
    if (typeof name !== 'string' || name.trim().length === 0) return null
    if (!isHexColor(color)) return null
    return { id, name: cleanName(name, 'Anonymous'), color }
  } catch {
    return null
  }
}

export function loadIdentity(storage: Storage): Identity {
  let stored: string | null = null
  try {
    stored = storage.getItem(IDENTITY_STORAGE_KEY)
  } catch {
    // Blocked storage: use a fresh identity for this page view.
  }
  const parsed = parseIdentity(stored)
  if (parsed) return parsed
  const fresh = randomIdentity()
  saveIdentity(storage, fresh)
  return fresh
}

export function saveIdentity(storage: Storage, identity: Identity): void {
  try {
    storage.setItem(IDENTITY_STORAGE_KEY, JSON.stringify(identity))
  } catch {
    // Not persisted; the identity still applies until reload.
  }
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length >= 2 ? [words[0]?.[0], words[1]?.[0]] : [words[0]?.[0], words[0]?.[1]]
  return letters.filter(Boolean).join('').toUpperCase() || '?'
}
