// @auth/drizzle-adapter with the documented schemas (../layouts/drizzle/schema.<dialect>.mjs,
// the same ones ddl.mjs hands to drizzle-kit), on node-postgres, mysql2 and better-sqlite3.
import { DrizzleAdapter } from "@auth/drizzle-adapter"
import Database from "better-sqlite3"
import { drizzle as betterSqlite } from "drizzle-orm/better-sqlite3"
import { drizzle as mysql2 } from "drizzle-orm/mysql2"
import { drizzle as nodePostgres } from "drizzle-orm/node-postgres"
import mysql from "mysql2/promise"
import pg from "pg"

const tables = (schema) => ({
  usersTable: schema.users,
  accountsTable: schema.accounts,
  sessionsTable: schema.sessions,
  verificationTokensTable: schema.verificationTokens,
  authenticatorsTable: schema.authenticators,
})

export async function open(dialect, url) {
  switch (dialect) {
    case "pg": {
      const schema = await import("../layouts/drizzle/schema.pg.mjs")
      const pool = new pg.Pool({ connectionString: url, max: 2 })
      return {
        adapter: DrizzleAdapter(nodePostgres(pool), tables(schema)),
        close: () => pool.end(),
      }
    }
    case "mysql": {
      const schema = await import("../layouts/drizzle/schema.mysql.mjs")
      const pool = mysql.createPool({ uri: url, connectionLimit: 2 })
      return {
        adapter: DrizzleAdapter(mysql2(pool, { mode: "default" }), tables(schema)),
        close: () => pool.end(),
      }
    }
    case "sqlite": {
      const schema = await import("../layouts/drizzle/schema.sqlite.mjs")
      const database = new Database(url)
      return {
        adapter: DrizzleAdapter(betterSqlite(database), tables(schema)),
        close: async () => database.close(),
      }
    }
    default:
      throw new Error(`no Drizzle dialect ${dialect}`)
  }
}
