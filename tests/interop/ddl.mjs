// Regenerates layouts/<layout>/<dialect>.sql from each Auth.js adapter's own tooling:
//
//   node ddl.mjs            (from tests/interop, after `npm ci`)
//
// - drizzle: the documented schemas (layouts/drizzle/schema.<dialect>.mjs) through
//   drizzle-kit's API, the statements `drizzle-kit generate` writes for a first migration;
// - kysely: the documented migration (docs/pages/getting-started/adapters/kysely.mdx)
//   compiled by Kysely's schema builder for each dialect;
// - pg-adapter: its schema.sql, which the npm package does not ship, copied from the Auth.js
//   repository (packages/adapter-pg/schema.sql).
//
// Every file starts with a header saying where it came from. tests/interop.rs runs them.
import { readFile, writeFile, mkdir } from "node:fs/promises"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as drizzleKit from "drizzle-kit/api"
import {
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from "kysely"

const here = dirname(fileURLToPath(import.meta.url))
const lock = JSON.parse(await readFile(join(here, "package-lock.json"), "utf8"))
const version = (name) => lock.packages[`node_modules/${name}`].version

async function write(layout, dialect, header, statements) {
  const dir = join(here, "layouts", layout)
  await mkdir(dir, { recursive: true })
  const head = header.map((line) => `-- ${line}`.trimEnd()).join("\n")
  const body = statements.map((s) => s.trim().replace(/;?$/, ";")).join("\n\n")
  await writeFile(join(dir, `${dialect}.sql`), `${head}\n\n${body}\n`)
}

// ---- Drizzle ----------------------------------------------------------------------------

const drizzleHeader = (dialect) => [
  `Drizzle layout, ${dialect}: what drizzle-kit ${version("drizzle-kit")} (drizzle-orm ${version("drizzle-orm")}) generates`,
  `for the documented schema (Auth.js docs/pages/getting-started/adapters/drizzle.mdx),`,
  `transcribed in layouts/drizzle/schema.${dialect}.mjs; the first migration, unedited.`,
  `Written by: node tests/interop/ddl.mjs (drizzle-kit/api: generate*DrizzleJson + generate*Migration).`,
]

async function drizzle() {
  const pg = await import("./layouts/drizzle/schema.pg.mjs")
  await write(
    "drizzle",
    "pg",
    [
      ...drizzleHeader("pg"),
      "Note: the docs write the pg table extras as `[{ compoundKey: primaryKey(...) }]`, an object",
      "inside the array, which drizzle-kit does not read as a primary key: account,",
      "verificationToken and authenticator have none here. That is the documented layout's real DDL.",
    ],
    await drizzleKit.generateMigration(
      drizzleKit.generateDrizzleJson({}),
      drizzleKit.generateDrizzleJson(pg)
    )
  )
  const mysql = await import("./layouts/drizzle/schema.mysql.mjs")
  await write(
    "drizzle",
    "mysql",
    drizzleHeader("mysql"),
    await drizzleKit.generateMySQLMigration(
      await drizzleKit.generateMySQLDrizzleJson({}),
      await drizzleKit.generateMySQLDrizzleJson(mysql)
    )
  )
  const sqlite = await import("./layouts/drizzle/schema.sqlite.mjs")
  await write(
    "drizzle",
    "sqlite",
    drizzleHeader("sqlite"),
    await drizzleKit.generateSQLiteMigration(
      await drizzleKit.generateSQLiteDrizzleJson({}),
      await drizzleKit.generateSQLiteDrizzleJson(sqlite)
    )
  )
}

// ---- Kysely -----------------------------------------------------------------------------

const kyselyDialects = {
  pg: [PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler],
  mysql: [MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler],
  sqlite: [SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler],
}

// The documented migration (kysely.mdx `up`), with the column types of the adapter's own test
// (packages/adapter-kysely/test/index.test.ts) where the docs' PostgreSQL types do not exist:
// - MySQL: uuid -> varchar(36) with DEFAULT (UUID()), timestamptz -> DATETIME(3),
//   text -> varchar(255) (a TEXT column cannot be UNIQUE without a prefix length), and the
//   foreign keys as table constraints (MySQL ignores an inline REFERENCES);
// - SQLite: the id is `varchar PRIMARY KEY` with no default (SQLite has no gen_random_uuid());
//   the other types as documented.
function kyselyMigration(db, dialect) {
  const uuid = dialect === "mysql" ? "varchar(36)" : "uuid"
  const date = dialect === "mysql" ? sql`DATETIME(3)` : "timestamptz"
  const text = dialect === "mysql" ? "varchar(255)" : "text"
  const id = (builder) => {
    switch (dialect) {
      case "pg":
        return builder.addColumn("id", "uuid", (col) =>
          col.primaryKey().defaultTo(sql`gen_random_uuid()`)
        )
      case "mysql":
        return builder.addColumn("id", "varchar(36)", (col) =>
          col.primaryKey().defaultTo(sql`(UUID())`)
        )
      case "sqlite":
        return builder.addColumn("id", "varchar", (col) => col.primaryKey())
    }
  }
  const userFk = (builder, table) =>
    dialect === "mysql"
      ? builder.addForeignKeyConstraint(`${table}_userId_fk`, ["userId"], "User", ["id"], (cb) =>
          cb.onDelete("cascade")
        )
      : builder
  return [
    id(db.schema.createTable("User"))
      .addColumn("name", text)
      .addColumn("email", text, (col) => col.unique().notNull())
      .addColumn("emailVerified", date)
      .addColumn("image", text),
    userFk(
      id(db.schema.createTable("Account"))
        .addColumn("userId", uuid, (col) =>
          col.references("User.id").onDelete("cascade").notNull()
        )
        .addColumn("type", text, (col) => col.notNull())
        .addColumn("provider", text, (col) => col.notNull())
        .addColumn("providerAccountId", text, (col) => col.notNull())
        .addColumn("refresh_token", text)
        .addColumn("access_token", text)
        .addColumn("expires_at", "bigint")
        .addColumn("token_type", text)
        .addColumn("scope", text)
        .addColumn("id_token", text)
        .addColumn("session_state", text),
      "Account"
    ),
    userFk(
      id(db.schema.createTable("Session"))
        .addColumn("userId", uuid, (col) =>
          col.references("User.id").onDelete("cascade").notNull()
        )
        .addColumn("sessionToken", text, (col) => col.notNull().unique())
        .addColumn("expires", date, (col) => col.notNull()),
      "Session"
    ),
    db.schema
      .createTable("VerificationToken")
      .addColumn("identifier", text, (col) => col.notNull())
      .addColumn("token", text, (col) => col.notNull().unique())
      .addColumn("expires", date, (col) => col.notNull()),
    db.schema.createIndex("Account_userId_index").on("Account").column("userId"),
    db.schema.createIndex("Session_userId_index").on("Session").column("userId"),
  ]
}

async function kysely() {
  for (const [dialect, [Adapter, Introspector, Compiler]] of Object.entries(kyselyDialects)) {
    const db = new Kysely({
      dialect: {
        createAdapter: () => new Adapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new Introspector(db),
        createQueryCompiler: () => new Compiler(),
      },
    })
    const header = [
      `Kysely layout, ${dialect}: the documented migration (Auth.js`,
      `docs/pages/getting-started/adapters/kysely.mdx, \`up\`) compiled by Kysely ${version("kysely")}'s`,
      `schema builder (${Compiler.name}). Written by: node tests/interop/ddl.mjs.`,
    ]
    if (dialect === "mysql")
      header.push(
        "Adapted as the adapter's own test (packages/adapter-kysely/test/index.test.ts) does for",
        "MySQL, because the docs' types are PostgreSQL's: uuid -> varchar(36) DEFAULT (UUID()),",
        "timestamptz -> DATETIME(3), text -> varchar(255) (TEXT cannot be UNIQUE in MySQL), and",
        "the userId foreign keys as table constraints (MySQL ignores an inline REFERENCES)."
      )
    if (dialect === "sqlite")
      header.push(
        "Adapted as the adapter's own test does for SQLite: the id is `varchar PRIMARY KEY` with",
        "no default (SQLite has no gen_random_uuid()); the adapter writes no id into Account and",
        "Session, so there it stays NULL."
      )
    await write(
      "kysely",
      dialect,
      header,
      kyselyMigration(db, dialect).map((builder) => builder.compile().sql)
    )
  }
}

// ---- pg-adapter -------------------------------------------------------------------------

async function pgAdapter() {
  const schema = await readFile(join(here, "layouts", "pg-adapter", "schema.sql"), "utf8")
  const header = [
    `pg-adapter layout, pg: schema.sql of @auth/pg-adapter ${version("@auth/pg-adapter")}, which the npm`,
    "package does not ship; copied verbatim from the Auth.js repository",
    "(packages/adapter-pg/schema.sql) into layouts/pg-adapter/schema.sql.",
    "Its psql meta-command `\\set ON_ERROR_STOP true` is kept; tests/interop.rs skips `\\` lines.",
    "Written by: node tests/interop/ddl.mjs.",
  ]
  const head = header.map((line) => `-- ${line}`).join("\n")
  await writeFile(join(here, "layouts", "pg-adapter", "pg.sql"), `${head}\n\n${schema}`)
}

await drizzle()
await kysely()
await pgAdapter()
