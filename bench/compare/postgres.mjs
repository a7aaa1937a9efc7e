// PostgreSQL mode of the benchmark: a fresh schema per serve round (dropped afterwards), WAL bytes
// from pg_current_wal_lsn(), and the CPU of the server processes that serve's connections use
// (found by application_name in pg_stat_activity; the server runs on this machine).
//
// The server may be shared (other programs' WAL counts in the pg_current_wal_lsn() difference), so
// serve's own WAL is also read with pg_walinspect (PostgreSQL 15+, superuser): the records that
// touch the round's schema (tables, indexes, TOAST) and every record of the transactions that wrote
// them (their commits included). The extension is used where it is, else created in a schema of its
// own for the run and dropped with it.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { cpuSecondsOf } from '../lib/proc.mjs'

/** WAL bytes of the records of `$3`'s relations and of the transactions that wrote to them. */
const OWN_WAL_SQL = (inspectSchema) => `
WITH nodes AS (
  SELECT pg_relation_filenode(c.oid)::text AS node
  FROM pg_class c
  WHERE c.relnamespace = $3::text::regnamespace
     OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE relnamespace = $3::text::regnamespace)
     OR c.oid IN (SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.reltoastrelid = i.indrelid
                  WHERE t.relnamespace = $3::text::regnamespace)
),
db AS (SELECT oid::text AS oid FROM pg_database WHERE datname = current_database()),
recs AS (
  SELECT r.xid::text AS xid, r.record_length,
         EXISTS (SELECT 1 FROM regexp_matches(coalesce(r.block_ref, ''), 'rel \\d+/(\\d+)/(\\d+)', 'g') AS m
                 WHERE m[1] = (SELECT oid FROM db) AND m[2] IN (SELECT node FROM nodes WHERE node IS NOT NULL)) AS touches
  FROM "${inspectSchema}".pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn) r
)
SELECT coalesce(sum(record_length), 0)::float8 AS bytes FROM recs
WHERE touches OR (xid <> '0' AND xid IN (SELECT xid FROM recs WHERE touches))`

export function openDatabase(url) {
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  pool.on('error', () => {})
  /** The schema pg_walinspect's functions are in, or null when it cannot be used. */
  let inspectSchema = null
  return {
    url,
    close: () => pool.end(),
    async check() {
      await pool.query('SELECT 1')
    },
    /** A schema and application name no other round or run uses. */
    freshNames(round) {
      const tag = `bench_compare_${process.pid}_${round}_${randomBytes(3).toString('hex')}`
      return { schema: tag, applicationName: tag }
    },
    async dropSchema(schema) {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    },
    async walLsn() {
      return (await pool.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn
    },
    /**
     * Makes serveWalBytes() available if pg_walinspect can be had: {cleanup} (drops the schema it
     * created, if any), or {cleanup: null, reason} when it cannot.
     */
    async inspectWal() {
      const { rows } = await pool.query(
        "SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_walinspect'",
      )
      if (rows.length > 0) {
        inspectSchema = rows[0].schema
        return { cleanup: async () => {} }
      }
      const schema = `bench_compare_walinspect_${process.pid}`
      const drop = () => pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      try {
        await pool.query(`CREATE SCHEMA "${schema}"`)
        await pool.query(`CREATE EXTENSION pg_walinspect SCHEMA "${schema}"`)
      } catch (error) {
        await drop().catch(() => {})
        return { cleanup: null, reason: error.message }
      }
      inspectSchema = schema
      return { cleanup: drop }
    },
    /** WAL bytes of serve's own records between two LSNs (see above), or null without pg_walinspect. */
    async serveWalBytes(schema, fromLsn, toLsn) {
      if (inspectSchema === null) return null
      const { rows } = await pool.query(OWN_WAL_SQL(inspectSchema), [fromLsn, toLsn, schema])
      return rows[0].bytes
    },
    /** WAL bytes between two LSNs, by every session of the server (it may be shared). */
    async walBytesBetween(fromLsn, toLsn) {
      const { rows } = await pool.query('SELECT pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::float8 AS bytes', [
        fromLsn,
        toLsn,
      ])
      return rows[0].bytes
    },
    /** CPU seconds so far of each server process serving connections named `applicationName`. */
    async backendCpu(applicationName) {
      const { rows } = await pool.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
        applicationName,
      ])
      return new Map(rows.map(({ pid }) => [pid, cpuSecondsOf(pid)]))
    },
  }
}

/** `url` with an application_name, so that the server processes of these connections can be found. */
export function withApplicationName(url, applicationName) {
  const parsed = new URL(url)
  parsed.searchParams.set('application_name', applicationName)
  return parsed.toString()
}

/** CPU seconds the backends used between two backendCpu() readings (new ones count from zero). */
export function backendCpuSpent(before, after) {
  let seconds = 0
  for (const [pid, cpu] of after) seconds += cpu - (before.get(pid) ?? 0)
  return seconds
}

/** A key for --secret-key: 64 hex characters. */
export function secretKey() {
  return randomBytes(32).toString('hex')
}
