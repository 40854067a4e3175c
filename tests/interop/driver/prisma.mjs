// The real @auth/prisma-adapter on Prisma 7's Rust-free client, through Prisma's driver
// adapters: @prisma/adapter-pg (PostgreSQL), @prisma/adapter-better-sqlite3 (SQLite, with its
// default ISO-8601 text DateTimes) and @prisma/adapter-mariadb (MySQL/MariaDB).
//
// The client for each dialect is generated from the Auth.js docs' schema by
// tests/interop/prisma/build.mjs (run it after `npm ci`); this module only loads it.

import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

import { PrismaAdapter } from "@auth/prisma-adapter"

const buildDir = join(dirname(fileURLToPath(import.meta.url)), "..", "prisma", "build")

/** The dialect names this driver answers to, and the client build each one uses. */
const DIALECTS = {
  postgres: "postgres",
  postgresql: "postgres",
  pg: "postgres",
  sqlite: "sqlite",
  mysql: "mysql",
  mariadb: "mysql",
}

/** A SQLite URL as the Rust side writes it (`sqlite://path?mode=rwc`, `file:path`, or a bare
 * path) as the file path better-sqlite3 opens. */
export function sqlitePath(url) {
  let path = url.replace(/^(sqlite|file):(\/\/)?/, "")
  const query = path.indexOf("?")
  if (query >= 0) path = path.slice(0, query)
  return path
}

async function driverAdapter(dialect, url) {
  switch (dialect) {
    case "postgres": {
      const { PrismaPg } = await import("@prisma/adapter-pg")
      return new PrismaPg({ connectionString: url })
    }
    case "sqlite": {
      const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3")
      // No timestampFormat: the default, "iso8601", is what a Prisma 7 app writes.
      return new PrismaBetterSqlite3({ url: sqlitePath(url) })
    }
    case "mysql": {
      const { PrismaMariaDb } = await import("@prisma/adapter-mariadb")
      return new PrismaMariaDb(url.replace(/^mysql:/, "mariadb:"))
    }
  }
  throw new Error(`prisma: no driver adapter for ${dialect}`)
}

/** Opens the Prisma adapter on `url`: `{ adapter, close }`. */
export async function open(dialect, url) {
  const build = DIALECTS[dialect]
  if (!build) {
    throw new Error(`prisma: unknown dialect ${dialect}; expected one of ${Object.keys(DIALECTS).join(", ")}`)
  }
  const clientModule = join(buildDir, build, "client.mjs")
  if (!existsSync(clientModule)) {
    throw new Error(
      `prisma: ${clientModule} is missing; run \`node tests/interop/prisma/build.mjs\` after npm ci`,
    )
  }
  const { PrismaClient } = await import(pathToFileURL(clientModule).href)
  const client = new PrismaClient({ adapter: await driverAdapter(build, url) })
  return {
    adapter: PrismaAdapter(client),
    close: () => client.$disconnect(),
  }
}
