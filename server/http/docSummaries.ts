/** How stored document records become the API's `DocSummary`, and the list's orders. */
import type { DocSort, DocSummary } from '../../shared/apiTypes.ts'
import type { RoomRegistry } from '../collab/registry.ts'
import { documentTitle } from '../collab/title.ts'
import type { DocMeta } from '../storage/types.ts'

/**
 * A loaded room knows its title now; the store learns it up to a second
 * later. The list shows the room's, so a rename is seen at once.
 */
export function liveTitles(registry: RoomRegistry): (id: string) => string | null {
  return (id) => {
    const room = registry.get(id)
    return room?.hydrated ? documentTitle(room.fragment) : null
  }
}

export function toSummary(m: DocMeta, liveTitle: string | null, snippet?: string | null): DocSummary {
  return {
    id: m.id,
    title: (liveTitle ?? m.title) || 'Untitled',
    createdAt: new Date(m.createdAt).toISOString(),
    updatedAt: new Date(m.updatedAt).toISOString(),
    lastEditedBy: m.editedBy,
    ...(snippet !== undefined && { snippet }),
  }
}

const byTitle = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })

/** Sorted in place: newest change first, by title (ties newest first), or newest created first. */
export function sortSummaries(docs: DocSummary[], sort: DocSort): DocSummary[] {
  const newest = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0)
  if (sort === 'title') return docs.sort((a, b) => byTitle.compare(a.title, b.title) || newest(a.updatedAt, b.updatedAt))
  if (sort === 'created') return docs.sort((a, b) => newest(a.createdAt, b.createdAt))
  return docs.sort((a, b) => newest(a.updatedAt, b.updatedAt))
}
