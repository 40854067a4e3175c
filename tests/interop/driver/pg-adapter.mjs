// @auth/pg-adapter on node-postgres (PostgreSQL only).
import PostgresAdapter from "@auth/pg-adapter"
import pg from "pg"

export async function open(dialect, url) {
  if (dialect !== "pg") throw new Error(`@auth/pg-adapter runs on PostgreSQL only, not ${dialect}`)
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  return { adapter: PostgresAdapter(pool), close: () => pool.end() }
}
