/**
 * What an access token lets its holder do with a document, weakest first.
 * The server enforces them; the client reads them only for hints (a
 * read-only editor, which links it may offer).
 *
 *   viewer  read the document and see presence; edits are dropped
 *   editor  also write, and use the AI
 *   owner   also share (mint tokens) and delete
 */
export const ROLES = ['viewer', 'editor', 'owner'] as const
export type Role = (typeof ROLES)[number]

const RANK: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 }

export function roleAtLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min]
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}
