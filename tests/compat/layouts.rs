//! The tables of each Auth.js adapter as its own tool creates them: the files under
//! `tests/interop/layouts/`, which `tests/interop/ddl.mjs` writes with the tools themselves
//! (drizzle-kit, Kysely's schema builder, `@auth/pg-adapter`'s `schema.sql`; Prisma's from its
//! migrate conventions, as each file's header says). Each layout also says how its adapter
//! writes an instant, as a row of its own and as the text a SQL console shows for it, and
//! which of the suite's cases it cannot hold for reasons other than the keys it lacks (those
//! follow from the models: `tests/compat.rs`, `forced_skips`).

#![allow(dead_code)] // each layout is used by the test of its dialect

/// One layout on one dialect.
pub struct Layout {
    /// Names the database and the test.
    pub label: &'static str,
    /// The layout's DDL: statements separated by `;` at the end of a line.
    pub ddl: &'static str,
    /// Inserts the user `foreign@example.com`, verified at [`INSTANT`], as the layout's own
    /// adapter writes it.
    pub foreign_user: &'static str,
    /// Selects, as text, the `emailVerified` of the user `stored@example.com`.
    pub stored: &'static str,
    /// What [`Layout::stored`] shows for [`INSTANT`].
    pub expected: &'static str,
    /// Whether the layout has an authenticator table (the WebAuthn cases run).
    pub webauthn: bool,
    /// The suite's cases the layout cannot hold, and why.
    pub skip: &'static [(&'static str, &'static str)],
}

/// `2024-01-02T03:04:05.678Z`, in milliseconds since the epoch.
pub const INSTANT_MS: i64 = 1_704_164_645_678;

/// The docs' Prisma schemas as `prisma migrate` creates them: the migration SQL of
/// `tests/interop/layouts/prisma/<dialect>.sql`, the same files the real-client interop test
/// (`tests/interop.rs`) creates its tables from. `updatedAt` has no database default (Prisma's
/// client sets it), so a row inserted from a console names it; `createdAt` is left to its
/// `CURRENT_TIMESTAMP` default.
pub const PRISMA_POSTGRES: Layout = Layout {
    label: "prisma_postgres",
    ddl: include_str!("../interop/layouts/prisma/postgres.sql"),
    foreign_user: r#"INSERT INTO "User" ("id", "email", "emailVerified", "updatedAt") VALUES ('foreign-user', 'foreign@example.com', '2024-01-02 03:04:05.678', '2024-01-02 03:04:05.678')"#,
    stored: r#"SELECT "emailVerified"::text FROM "User" WHERE "email" = 'stored@example.com'"#,
    expected: "2024-01-02 03:04:05.678",
    webauthn: true,
    skip: &[],
};

/// The docs' MySQL schema: one account per user (a unique `Account.userId`), and foreign keys
/// on `Account` and `Session` that restrict deleting their user.
pub const PRISMA_MYSQL: Layout = Layout {
    label: "prisma_mysql",
    ddl: include_str!("../interop/layouts/prisma/mysql.sql"),
    foreign_user: "INSERT INTO `User` (`id`, `email`, `emailVerified`, `updatedAt`) VALUES ('foreign-user', 'foreign@example.com', '2024-01-02 03:04:05.678', '2024-01-02 03:04:05.678')",
    stored: "SELECT CAST(`emailVerified` AS CHAR) FROM `User` WHERE `email` = 'stored@example.com'",
    expected: "2024-01-02 03:04:05.678",
    webauthn: true,
    skip: PRISMA_MYSQL_SKIPS,
};

/// What the docs' MySQL schema refuses, by its own keys.
pub const PRISMA_MYSQL_SKIPS: &[(&str, &str)] = &[
    (
        "deleteUser",
        "the foreign keys of Account and Session restrict deletes: a user with a session and an \
         account cannot be deleted (Prisma's deleteUser fails the same way)",
    ),
    (
        "listAuthenticatorsByUserId",
        "`Account.userId` is unique: the case links a second account to its user",
    ),
    (
        "linkAccount of a linked account conflicts",
        "it conflicts, but on `Account_userId_key`, the unique key MySQL checks first, since \
         the same user links it again",
    ),
    (
        "deleteUser removes sessions, accounts and authenticators",
        "the foreign keys of Account and Session restrict deletes",
    ),
];

const PRISMA_SQLITE_STORED: &str = r#"SELECT typeof("emailVerified") || ':' || "emailVerified" FROM "User" WHERE "email" = 'stored@example.com'"#;

/// The docs' SQLite schema as Prisma 7's SQLite adapters write it: ISO 8601 text with an
/// explicit offset (`+00:00`).
pub const PRISMA_SQLITE: Layout = Layout {
    label: "prisma_sqlite",
    ddl: include_str!("../interop/layouts/prisma/sqlite.sql"),
    foreign_user: r#"INSERT INTO "User" ("id", "email", "emailVerified", "updatedAt") VALUES ('foreign-user', 'foreign@example.com', '2024-01-02T03:04:05.678+00:00', '2024-01-02T03:04:05.678+00:00')"#,
    stored: PRISMA_SQLITE_STORED,
    expected: "text:2024-01-02T03:04:05.678Z",
    webauthn: true,
    skip: &[],
};

/// The same schema as Prisma 6 and older write it: integer milliseconds (the column type is
/// `DATETIME` either way).
pub const PRISMA_SQLITE_EPOCH_MS: Layout = Layout {
    label: "prisma_sqlite_epoch_ms",
    ddl: include_str!("../interop/layouts/prisma/sqlite.sql"),
    foreign_user: r#"INSERT INTO "User" ("id", "email", "emailVerified", "updatedAt") VALUES ('foreign-user', 'foreign@example.com', 1704164645678, 1704164645678)"#,
    stored: PRISMA_SQLITE_STORED,
    expected: "integer:1704164645678",
    webauthn: true,
    skip: &[],
};

pub const DRIZZLE_POSTGRES: Layout = Layout {
    label: "drizzle_postgres",
    ddl: include_str!("../interop/layouts/drizzle/pg.sql"),
    foreign_user: r#"INSERT INTO "user" ("id", "email", "emailVerified") VALUES ('foreign-user', 'foreign@example.com', '2024-01-02 03:04:05.678')"#,
    stored: r#"SELECT "emailVerified"::text FROM "user" WHERE "email" = 'stored@example.com'"#,
    expected: "2024-01-02 03:04:05.678",
    webauthn: true,
    skip: &[],
};

pub const DRIZZLE_MYSQL: Layout = Layout {
    label: "drizzle_mysql",
    ddl: include_str!("../interop/layouts/drizzle/mysql.sql"),
    // The checking connection's zone is `+00:00`, as the adapter's: the `TIMESTAMP` literal
    // is UTC.
    foreign_user: "INSERT INTO `user` (`id`, `email`, `emailVerified`) VALUES ('foreign-user', 'foreign@example.com', '2024-01-02 03:04:05.678')",
    stored: "SELECT CAST(`emailVerified` AS CHAR) FROM `user` WHERE `email` = 'stored@example.com'",
    expected: "2024-01-02 03:04:05.678",
    webauthn: true,
    skip: &[(
        "timestamps are stored to the millisecond",
        "the layout's `expires` columns are `timestamp` of whole seconds",
    )],
};

pub const DRIZZLE_SQLITE: Layout = Layout {
    label: "drizzle_sqlite",
    ddl: include_str!("../interop/layouts/drizzle/sqlite.sql"),
    foreign_user: "INSERT INTO `user` (`id`, `email`, `emailVerified`) VALUES ('foreign-user', 'foreign@example.com', 1704164645678)",
    stored: "SELECT typeof(`emailVerified`) || ':' || `emailVerified` FROM `user` WHERE `email` = 'stored@example.com'",
    expected: "integer:1704164645678",
    webauthn: true,
    skip: &[],
};

/// `packages/adapter-pg/schema.sql`, verbatim but for psql's `\set`.
pub const PG_ADAPTER: Layout = Layout {
    label: "pg_adapter",
    ddl: include_str!("../interop/layouts/pg-adapter/pg.sql"),
    foreign_user: r#"INSERT INTO users (email, "emailVerified") VALUES ('foreign@example.com', '2024-01-02T03:04:05.678Z')"#,
    stored: r#"SELECT to_char("emailVerified" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') FROM users WHERE email = 'stored@example.com'"#,
    expected: "2024-01-02 03:04:05.678",
    webauthn: false,
    skip: &[],
};

pub const KYSELY_POSTGRES: Layout = Layout {
    label: "kysely_postgres",
    ddl: include_str!("../interop/layouts/kysely/pg.sql"),
    foreign_user: r#"INSERT INTO "User" ("email", "emailVerified") VALUES ('foreign@example.com', '2024-01-02T03:04:05.678Z')"#,
    stored: r#"SELECT to_char("emailVerified" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') FROM "User" WHERE "email" = 'stored@example.com'"#,
    expected: "2024-01-02 03:04:05.678",
    webauthn: false,
    skip: &[],
};

pub const KYSELY_MYSQL: Layout = Layout {
    label: "kysely_mysql",
    ddl: include_str!("../interop/layouts/kysely/mysql.sql"),
    foreign_user: "INSERT INTO `User` (`email`, `emailVerified`) VALUES ('foreign@example.com', '2024-01-02 03:04:05.678')",
    stored: "SELECT CAST(`emailVerified` AS CHAR) FROM `User` WHERE `email` = 'stored@example.com'",
    expected: "2024-01-02 03:04:05.678",
    webauthn: false,
    skip: &[],
};

pub const KYSELY_SQLITE: Layout = Layout {
    label: "kysely_sqlite",
    ddl: include_str!("../interop/layouts/kysely/sqlite.sql"),
    foreign_user: r#"INSERT INTO "User" ("id", "email", "emailVerified") VALUES ('5b8a3a7e-2f43-4c4f-9a0e-6d1b3f2c1a00', 'foreign@example.com', '2024-01-02T03:04:05.678Z')"#,
    stored: r#"SELECT typeof("emailVerified") || ':' || "emailVerified" FROM "User" WHERE "email" = 'stored@example.com'"#,
    expected: "text:2024-01-02T03:04:05.678Z",
    webauthn: false,
    skip: &[],
};
