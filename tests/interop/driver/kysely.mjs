// @auth/kysely-adapter on Kysely's own dialects: node-postgres, mysql2, better-sqlite3.
import { KyselyAdapter, KyselyAuth } from "@auth/kysely-adapter"
import { MysqlDialect, PostgresDialect, SqliteDialect } from "kysely"
import Database from "better-sqlite3"
import mysql from "mysql2"
import pg from "pg"

function dialectFor(dialect, url) {
  switch (dialect) {
    case "pg":
      return new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) })
    case "mysql":
      // As the adapter's own test configures mysql2.
      return new MysqlDialect({
        pool: mysql.createPool({
          uri: url,
          connectionLimit: 2,
          supportBigNumbers: true,
          bigNumberStrings: true,
        }),
      })
    case "sqlite":
      return new SqliteDialect({ database: new Database(url) })
    default:
      throw new Error(`no Kysely dialect ${dialect}`)
  }
}

export async function open(dialect, url) {
  const db = new KyselyAuth({ dialect: dialectFor(dialect, url) })
  return { adapter: KyselyAdapter(db), close: () => db.destroy() }
}
