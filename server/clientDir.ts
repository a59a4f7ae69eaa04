import path from 'node:path'

/**
 * The built client (`dist/client`) of this installation, found from this
 * module's own place rather than the working directory, so `node
 * /srv/quill/dist/server/main.js` finds it from anywhere. The module runs
 * from two places: as source (`<root>/server/clientDir.ts`, under tsx in
 * development and tests) and compiled (`<root>/dist/server/clientDir.js`).
 */
export function defaultClientDir(here: string = import.meta.dirname): string {
  const compiled = path.basename(path.dirname(here)) === 'dist'
  return path.resolve(here, compiled ? '../client' : '../dist/client')
}
