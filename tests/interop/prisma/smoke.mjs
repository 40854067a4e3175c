#!/usr/bin/env node
// Proves the Prisma side runs here: on a fresh database, applies the migration SQL of the
// documented schema (tests/interop/layouts/prisma/<dialect>.sql), then drives the real
// @auth/prisma-adapter through tests/interop/driver/prisma.mjs, checks what it reads back and
// what landed in the tables, and deletes the user.
//
//   node tests/interop/prisma/smoke.mjs postgres "$PG_URL"    # a server; a fresh database in it
//   node tests/interop/prisma/smoke.mjs mysql "$MYSQL_URL"
//   node tests/interop/prisma/smoke.mjs sqlite /tmp/prisma-smoke.db   # a new file
//
// Needs tests/interop/prisma/build.mjs to have run. Exits non-zero on the first mismatch.

import assert from "node:assert/strict"
import { existsSync, readFileSync, rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

import { open, sqlitePath } from "../driver/prisma.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const layouts = join(here, "..", "layouts", "prisma")

const [dialect, url] = process.argv.slice(2)
if (!["postgres", "sqlite", "mysql"].includes(dialect) || !url) {
  console.error("usage: smoke.mjs postgres|mysql|sqlite URL")
  process.exit(2)
}

// ---- raw access, to create the database, apply the DDL and look at stored values ----------

async function rawPostgres(serverUrl) {
  const { default: pg } = await import("pg")
  const name = `prisma_smoke_${process.pid}_${Date.now()}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const dbUrl = new URL(serverUrl)
  dbUrl.pathname = `/${name}`
  const client = new pg.Client({ connectionString: dbUrl.href })
  await client.connect()
  return {
    url: dbUrl.href,
    exec: (sql) => client.query(sql),
    all: async (sql) => (await client.query(sql)).rows,
    q: (ident) => `"${ident}"`,
    close: async () => {
      await client.end()
      const admin2 = new pg.Client({ connectionString: serverUrl })
      await admin2.connect()
      await admin2.query(`DROP DATABASE ${name}`)
      await admin2.end()
    },
  }
}

async function rawMysql(serverUrl) {
  const { default: mariadb } = await import("mariadb")
  const name = `prisma_smoke_${process.pid}_${Date.now()}`
  const server = new URL(serverUrl)
  const config = {
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
    multipleStatements: true,
  }
  const admin = await mariadb.createConnection(config)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const conn = await mariadb.createConnection({ ...config, database: name })
  const dbUrl = new URL(serverUrl)
  dbUrl.pathname = `/${name}`
  return {
    url: dbUrl.href,
    exec: (sql) => conn.query(sql),
    all: (sql) => conn.query(sql),
    q: (ident) => `\`${ident}\``,
    close: async () => {
      await conn.query(`DROP DATABASE ${name}`)
      await conn.end()
    },
  }
}

async function rawSqlite(fileUrl) {
  const { default: Database } = await import("better-sqlite3")
  const path = sqlitePath(fileUrl)
  for (const suffix of ["", "-wal", "-shm", "-journal"]) {
    if (existsSync(path + suffix)) rmSync(path + suffix)
  }
  const db = new Database(path)
  return {
    url: fileUrl,
    exec: (sql) => db.exec(sql),
    all: (sql) => db.prepare(sql).all(),
    q: (ident) => `"${ident}"`,
    close: async () => db.close(),
  }
}

// ---- the run -------------------------------------------------------------------------------

const started = performance.now()
const raw = await { postgres: rawPostgres, mysql: rawMysql, sqlite: rawSqlite }[dialect](url)
await raw.exec(readFileSync(join(layouts, `${dialect}.sql`), "utf8"))
const { adapter, close } = await open(dialect, raw.url)
const q = raw.q
const count = async (table, userId) =>
  Number((await raw.all(`SELECT COUNT(*) AS n FROM ${q(table)} WHERE ${q("userId")} = '${userId}'`))[0].n)

const ms = (iso) => new Date(iso)
let step = "createUser"
try {
  const emailVerified = ms("2026-11-27T10:11:12.345Z")
  const user = await adapter.createUser({
    id: "ignored-by-prisma",
    email: `smoke-${Date.now()}@example.com`,
    emailVerified,
    name: "Smoke",
    image: null,
  })
  assert.match(user.id, /^c[a-z0-9]{24}$/, "a cuid made by the Prisma client")
  assert.equal(user.emailVerified.toISOString(), emailVerified.toISOString())

  step = "getUserByEmail"
  assert.equal((await adapter.getUserByEmail(user.email)).id, user.id)

  step = "linkAccount"
  const account = {
    userId: user.id,
    type: "oauth",
    provider: "github",
    providerAccountId: `gh-${Date.now()}`,
    refresh_token: "refresh",
    access_token: "access",
    expires_at: 1795000000,
    token_type: "bearer",
    scope: "read:user user:email",
    id_token: "header.payload.signature",
    session_state: "state",
  }
  await adapter.linkAccount(account)
  const accountKey = { provider: account.provider, providerAccountId: account.providerAccountId }
  step = "getUserByAccount"
  assert.equal((await adapter.getUserByAccount(accountKey)).id, user.id)
  step = "getAccount"
  const readAccount = await adapter.getAccount(account.providerAccountId, account.provider)
  for (const [k, v] of Object.entries(account)) assert.equal(readAccount[k], v, `account.${k}`)

  step = "createSession"
  const expires = ms("2026-12-27T10:11:12.345Z")
  const sessionToken = `tok-${Date.now()}`
  await adapter.createSession({ sessionToken, userId: user.id, expires })
  step = "getSessionAndUser"
  const sau = await adapter.getSessionAndUser(sessionToken)
  assert.equal(sau.user.id, user.id)
  assert.equal(sau.session.expires.toISOString(), expires.toISOString())
  step = "updateSession"
  const later = ms("2027-01-01T00:00:00.001Z")
  const updatedSession = await adapter.updateSession({ sessionToken, expires: later })
  assert.equal(updatedSession.expires.toISOString(), later.toISOString())

  step = "createVerificationToken"
  const vt = { identifier: user.email, token: `vt-${Date.now()}`, expires }
  await adapter.createVerificationToken(vt)
  step = "useVerificationToken"
  const used = await adapter.useVerificationToken({ identifier: vt.identifier, token: vt.token })
  assert.equal(used.expires.toISOString(), expires.toISOString())
  assert.equal(await adapter.useVerificationToken({ identifier: vt.identifier, token: vt.token }), null)

  step = "createAuthenticator"
  const authenticator = {
    credentialID: `cred-${Date.now()}`,
    userId: user.id,
    providerAccountId: account.providerAccountId,
    credentialPublicKey: "cHVibGljLWtleQ",
    counter: 1,
    credentialDeviceType: "singleDevice",
    credentialBackedUp: false,
    transports: "usb,nfc",
  }
  await adapter.createAuthenticator(authenticator)
  step = "getAuthenticator"
  const readAuth = await adapter.getAuthenticator(authenticator.credentialID)
  for (const [k, v] of Object.entries(authenticator)) assert.equal(readAuth[k], v, `authenticator.${k}`)
  step = "listAuthenticatorsByUserId"
  assert.equal((await adapter.listAuthenticatorsByUserId(user.id)).length, 1)
  step = "updateAuthenticatorCounter"
  assert.equal((await adapter.updateAuthenticatorCounter(authenticator.credentialID, 7)).counter, 7)

  step = "updateUser"
  assert.equal((await adapter.updateUser({ id: user.id, name: "Renamed" })).name, "Renamed")

  step = "stored timestamps"
  const [stored] = await raw.all(
    `SELECT ${q("emailVerified")}, ${q("createdAt")}, ${q("updatedAt")} FROM ${q("User")} WHERE ${q("id")} = '${user.id}'`,
  )
  const show = (v) => (v instanceof Date ? `Date(${v.toISOString()})` : JSON.stringify(v))
  console.log(
    `${dialect}: User row: emailVerified=${show(stored.emailVerified)} createdAt=${show(stored.createdAt)} updatedAt=${show(stored.updatedAt)}`,
  )
  assert.notEqual(stored.createdAt, null)
  assert.notEqual(stored.updatedAt, null)

  step = "deleteUser"
  if (dialect === "mysql") {
    // The docs' MySQL schema declares no onDelete on Account and Session: Prisma's default for
    // a required relation is Restrict, so a user with an account or a session cannot be deleted.
    await assert.rejects(adapter.deleteUser(user.id), /foreign key|constraint/i)
    console.log("mysql: deleteUser refused while an Account/Session row exists (ON DELETE RESTRICT)")
    await adapter.unlinkAccount(accountKey)
    await adapter.deleteSession(sessionToken)
  }
  await adapter.deleteUser(user.id)
  assert.equal(await adapter.getUser(user.id), null)
  for (const table of ["Account", "Session", "Authenticator"]) {
    assert.equal(await count(table, user.id), 0, `no orphan in ${table}`)
  }
  console.log(`${dialect}: smoke passed in ${Math.round(performance.now() - started)} ms`)
} catch (e) {
  console.error(`${dialect}: smoke failed at ${step}: ${e?.stack ?? e}`)
  process.exitCode = 1
} finally {
  await close()
  await raw.close()
}
