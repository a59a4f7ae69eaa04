/**
 * With PostgreSQL, `npm run backup` and `npm run restore` copy nothing
 * themselves: they print the pg_dump and pg_restore commands to run, which
 * take a consistent snapshot while the servers write and restore it in one
 * transaction. The URL in them has no password: a printed command ends up
 * in shell history and logs, and libpq takes the password from PGPASSWORD
 * or ~/.pgpass.
 */

export function pgDumpAdvice(databaseUrl: string, file: string): string {
  return [
    'STORAGE=postgres: this command copies nothing itself. Back the database up with pg_dump, which takes a consistent',
    'snapshot while the servers run and write:',
    '',
    `  pg_dump --format=custom --file=${quote(file)} --dbname=${quote(withoutPassword(databaseUrl))}`,
    '',
    PASSWORD_NOTE,
    '',
  ].join('\n')
}

export function pgRestoreAdvice(databaseUrl: string, file: string): string {
  return [
    'STORAGE=postgres: this command restores nothing itself. Stop every instance, then restore with pg_restore, in one',
    'transaction (it replaces the tables the dump holds):',
    '',
    `  pg_restore --clean --if-exists --no-owner --single-transaction --dbname=${quote(withoutPassword(databaseUrl))} ${quote(file)}`,
    '',
    PASSWORD_NOTE,
    '',
  ].join('\n')
}

const PASSWORD_NOTE = 'The password is left out of the URL: set PGPASSWORD, or put it in ~/.pgpass.'

export function withoutPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl)
  url.password = ''
  return url.toString()
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}
