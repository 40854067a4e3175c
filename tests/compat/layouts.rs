//! The tables of each Auth.js adapter as its own tool creates them, written out by hand per
//! dialect from the Auth.js repository (`../shared/reference/authjs-adapter.md`, section 3):
//! `prisma migrate`'s SQL for the Auth.js docs' Prisma schemas (the files of
//! `../interop/layouts/prisma/`), drizzle-kit's for
//! `packages/adapter-drizzle/src/lib/{pg,mysql,sqlite}.ts`, `packages/adapter-pg/schema.sql`
//! verbatim, and the Kysely migration of the adapter's docs in the column types its test gives
//! each dialect. Each also says how its adapter writes an instant, as a row of its own and as
//! the text a SQL console shows for it.

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

const NO_UNIQUE_EMAIL: (&str, &str) = (
    "createUser with a taken email conflicts",
    "the layout has no unique key on the email",
);
const NO_UNIQUE_ACCOUNT: (&str, &str) = (
    "linkAccount of a linked account conflicts",
    "the layout has no unique key on (provider, providerAccountId)",
);

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
    ddl: r#"
CREATE TABLE "account" (
	"userId" text NOT NULL,
	"type" text NOT NULL,
	"provider" text NOT NULL,
	"providerAccountId" text NOT NULL,
	"refresh_token" text,
	"access_token" text,
	"expires_at" integer,
	"token_type" text,
	"scope" text,
	"id_token" text,
	"session_state" text,
	CONSTRAINT "account_provider_providerAccountId_pk" PRIMARY KEY("provider","providerAccountId")
);
CREATE TABLE "authenticator" (
	"credentialID" text NOT NULL,
	"userId" text NOT NULL,
	"providerAccountId" text NOT NULL,
	"credentialPublicKey" text NOT NULL,
	"counter" integer NOT NULL,
	"credentialDeviceType" text NOT NULL,
	"credentialBackedUp" boolean NOT NULL,
	"transports" text,
	CONSTRAINT "authenticator_userId_credentialID_pk" PRIMARY KEY("userId","credentialID"),
	CONSTRAINT "authenticator_credentialID_unique" UNIQUE("credentialID")
);
CREATE TABLE "session" (
	"sessionToken" text PRIMARY KEY NOT NULL,
	"userId" text NOT NULL,
	"expires" timestamp NOT NULL
);
CREATE TABLE "user" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"email" text,
	"emailVerified" timestamp,
	"image" text,
	CONSTRAINT "user_email_unique" UNIQUE("email")
);
CREATE TABLE "verificationToken" (
	"identifier" text NOT NULL,
	"token" text NOT NULL,
	"expires" timestamp NOT NULL,
	CONSTRAINT "verificationToken_identifier_token_pk" PRIMARY KEY("identifier","token")
);
ALTER TABLE "account" ADD CONSTRAINT "account_userId_user_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;
ALTER TABLE "authenticator" ADD CONSTRAINT "authenticator_userId_user_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;
ALTER TABLE "session" ADD CONSTRAINT "session_userId_user_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;
"#,
    foreign_user: r#"INSERT INTO "user" ("id", "email", "emailVerified") VALUES ('foreign-user', 'foreign@example.com', '2024-01-02 03:04:05.678')"#,
    stored: r#"SELECT "emailVerified"::text FROM "user" WHERE "email" = 'stored@example.com'"#,
    expected: "2024-01-02 03:04:05.678",
    webauthn: true,
    skip: &[],
};

pub const DRIZZLE_MYSQL: Layout = Layout {
    label: "drizzle_mysql",
    ddl: r#"
CREATE TABLE `account` (
	`userId` varchar(255) NOT NULL,
	`type` varchar(255) NOT NULL,
	`provider` varchar(255) NOT NULL,
	`providerAccountId` varchar(255) NOT NULL,
	`refresh_token` varchar(255),
	`access_token` varchar(255),
	`expires_at` int,
	`token_type` varchar(255),
	`scope` varchar(255),
	`id_token` varchar(2048),
	`session_state` varchar(255),
	CONSTRAINT `account_provider_providerAccountId_pk` PRIMARY KEY(`provider`,`providerAccountId`)
);
CREATE TABLE `authenticator` (
	`credentialID` varchar(255) NOT NULL,
	`userId` varchar(255) NOT NULL,
	`providerAccountId` varchar(255) NOT NULL,
	`credentialPublicKey` varchar(255) NOT NULL,
	`counter` int NOT NULL,
	`credentialDeviceType` varchar(255) NOT NULL,
	`credentialBackedUp` boolean NOT NULL,
	`transports` varchar(255),
	CONSTRAINT `authenticator_userId_credentialID_pk` PRIMARY KEY(`userId`,`credentialID`),
	CONSTRAINT `authenticator_credentialID_unique` UNIQUE(`credentialID`)
);
CREATE TABLE `session` (
	`sessionToken` varchar(255) NOT NULL,
	`userId` varchar(255) NOT NULL,
	`expires` timestamp NOT NULL,
	CONSTRAINT `session_sessionToken` PRIMARY KEY(`sessionToken`)
);
CREATE TABLE `user` (
	`id` varchar(255) NOT NULL,
	`name` varchar(255),
	`email` varchar(255),
	`emailVerified` timestamp(3),
	`image` varchar(255),
	CONSTRAINT `user_id` PRIMARY KEY(`id`),
	CONSTRAINT `user_email_unique` UNIQUE(`email`)
);
CREATE TABLE `verificationToken` (
	`identifier` varchar(255) NOT NULL,
	`token` varchar(255) NOT NULL,
	`expires` timestamp NOT NULL,
	CONSTRAINT `verificationToken_identifier_token_pk` PRIMARY KEY(`identifier`,`token`)
);
ALTER TABLE `account` ADD CONSTRAINT `account_userId_user_id_fk` FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE cascade ON UPDATE no action;
ALTER TABLE `authenticator` ADD CONSTRAINT `authenticator_userId_user_id_fk` FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE cascade ON UPDATE no action;
ALTER TABLE `session` ADD CONSTRAINT `session_userId_user_id_fk` FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE cascade ON UPDATE no action;
"#,
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
    ddl: r#"
CREATE TABLE `account` (
	`userId` text NOT NULL,
	`type` text NOT NULL,
	`provider` text NOT NULL,
	`providerAccountId` text NOT NULL,
	`refresh_token` text,
	`access_token` text,
	`expires_at` integer,
	`token_type` text,
	`scope` text,
	`id_token` text,
	`session_state` text,
	PRIMARY KEY(`provider`, `providerAccountId`),
	FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
CREATE TABLE `authenticator` (
	`credentialID` text NOT NULL,
	`userId` text NOT NULL,
	`providerAccountId` text NOT NULL,
	`credentialPublicKey` text NOT NULL,
	`counter` integer NOT NULL,
	`credentialDeviceType` text NOT NULL,
	`credentialBackedUp` integer NOT NULL,
	`transports` text,
	PRIMARY KEY(`userId`, `credentialID`),
	FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
CREATE UNIQUE INDEX `authenticator_credentialID_unique` ON `authenticator` (`credentialID`);
CREATE TABLE `session` (
	`sessionToken` text PRIMARY KEY NOT NULL,
	`userId` text NOT NULL,
	`expires` integer NOT NULL,
	FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
CREATE TABLE `user` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`email` text,
	`emailVerified` integer,
	`image` text
);
CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`);
CREATE TABLE `verificationToken` (
	`identifier` text NOT NULL,
	`token` text NOT NULL,
	`expires` integer NOT NULL,
	PRIMARY KEY(`identifier`, `token`)
);
"#,
    foreign_user: "INSERT INTO `user` (`id`, `email`, `emailVerified`) VALUES ('foreign-user', 'foreign@example.com', 1704164645678)",
    stored: "SELECT typeof(`emailVerified`) || ':' || `emailVerified` FROM `user` WHERE `email` = 'stored@example.com'",
    expected: "integer:1704164645678",
    webauthn: true,
    skip: &[],
};

/// `packages/adapter-pg/schema.sql`, verbatim but for psql's `\set`.
pub const PG_ADAPTER: Layout = Layout {
    label: "pg_adapter",
    ddl: r#"
CREATE TABLE verification_token
(
  identifier TEXT NOT NULL,
  expires TIMESTAMPTZ NOT NULL,
  token TEXT NOT NULL,

  PRIMARY KEY (identifier, token)
);
CREATE TABLE accounts
(
  id SERIAL,
  "userId" INTEGER NOT NULL,
  type VARCHAR(255) NOT NULL,
  provider VARCHAR(255) NOT NULL,
  "providerAccountId" VARCHAR(255) NOT NULL,
  refresh_token TEXT,
  access_token TEXT,
  expires_at BIGINT,
  id_token TEXT,
  scope TEXT,
  session_state TEXT,
  token_type TEXT,

  PRIMARY KEY (id)
);
CREATE TABLE sessions
(
  id SERIAL,
  "userId" INTEGER NOT NULL,
  expires TIMESTAMPTZ NOT NULL,
  "sessionToken" VARCHAR(255) NOT NULL,

  PRIMARY KEY (id)
);
CREATE TABLE users
(
  id SERIAL,
  name VARCHAR(255),
  email VARCHAR(255),
  "emailVerified" TIMESTAMPTZ,
  image TEXT,

  PRIMARY KEY (id)
);
"#,
    foreign_user: r#"INSERT INTO users (email, "emailVerified") VALUES ('foreign@example.com', '2024-01-02T03:04:05.678Z')"#,
    stored: r#"SELECT to_char("emailVerified" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') FROM users WHERE email = 'stored@example.com'"#,
    expected: "2024-01-02 03:04:05.678",
    webauthn: false,
    skip: &[NO_UNIQUE_EMAIL, NO_UNIQUE_ACCOUNT],
};

pub const KYSELY_POSTGRES: Layout = Layout {
    label: "kysely_postgres",
    ddl: r#"
CREATE TABLE "User" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), "name" text, "email" text UNIQUE NOT NULL, "emailVerified" timestamptz, "image" text);
CREATE TABLE "Account" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), "userId" uuid NOT NULL REFERENCES "User" ("id") ON DELETE CASCADE, "type" text NOT NULL, "provider" text NOT NULL, "providerAccountId" text NOT NULL, "refresh_token" text, "access_token" text, "expires_at" bigint, "token_type" text, "scope" text, "id_token" text, "session_state" text);
CREATE TABLE "Session" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), "userId" uuid NOT NULL REFERENCES "User" ("id") ON DELETE CASCADE, "sessionToken" text NOT NULL UNIQUE, "expires" timestamptz NOT NULL);
CREATE TABLE "VerificationToken" ("identifier" text NOT NULL, "token" text NOT NULL UNIQUE, "expires" timestamptz NOT NULL);
CREATE INDEX "Account_userId_index" ON "Account" ("userId");
CREATE INDEX "Session_userId_index" ON "Session" ("userId");
"#,
    foreign_user: r#"INSERT INTO "User" ("email", "emailVerified") VALUES ('foreign@example.com', '2024-01-02T03:04:05.678Z')"#,
    stored: r#"SELECT to_char("emailVerified" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') FROM "User" WHERE "email" = 'stored@example.com'"#,
    expected: "2024-01-02 03:04:05.678",
    webauthn: false,
    skip: &[NO_UNIQUE_ACCOUNT],
};

pub const KYSELY_MYSQL: Layout = Layout {
    label: "kysely_mysql",
    ddl: r#"
CREATE TABLE `User` (`id` varchar(36) DEFAULT (UUID()) PRIMARY KEY, `name` varchar(255), `email` varchar(255) NOT NULL UNIQUE, `emailVerified` DATETIME(3), `image` varchar(255));
CREATE TABLE `Account` (`id` varchar(36) DEFAULT (UUID()) PRIMARY KEY, `userId` varchar(36) NOT NULL, `type` varchar(255) NOT NULL, `provider` varchar(255) NOT NULL, `providerAccountId` varchar(255) NOT NULL, `refresh_token` varchar(255), `access_token` varchar(255), `expires_at` bigint, `token_type` varchar(255), `scope` varchar(255), `id_token` varchar(255), `session_state` varchar(255), CONSTRAINT `Account_userId_fk` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE);
CREATE TABLE `Session` (`id` varchar(36) DEFAULT (UUID()) PRIMARY KEY, `userId` varchar(36) NOT NULL, `sessionToken` varchar(255) NOT NULL UNIQUE, `expires` DATETIME(3) NOT NULL, CONSTRAINT `Session_userId_fk` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE);
CREATE TABLE `VerificationToken` (`identifier` varchar(255) NOT NULL, `token` varchar(255) NOT NULL UNIQUE, `expires` DATETIME(3) NOT NULL);
CREATE INDEX `Account_userId_index` ON `Account` (`userId`);
CREATE INDEX `Session_userId_index` ON `Session` (`userId`);
"#,
    foreign_user: "INSERT INTO `User` (`email`, `emailVerified`) VALUES ('foreign@example.com', '2024-01-02 03:04:05.678')",
    stored: "SELECT CAST(`emailVerified` AS CHAR) FROM `User` WHERE `email` = 'stored@example.com'",
    expected: "2024-01-02 03:04:05.678",
    webauthn: false,
    skip: &[NO_UNIQUE_ACCOUNT],
};

pub const KYSELY_SQLITE: Layout = Layout {
    label: "kysely_sqlite",
    ddl: r#"
CREATE TABLE "User" ("id" varchar PRIMARY KEY, "name" text, "email" text UNIQUE NOT NULL, "emailVerified" timestamptz, "image" text);
CREATE TABLE "Account" ("id" varchar PRIMARY KEY, "userId" uuid NOT NULL REFERENCES "User" ("id") ON DELETE CASCADE, "type" text NOT NULL, "provider" text NOT NULL, "providerAccountId" text NOT NULL, "refresh_token" text, "access_token" text, "expires_at" bigint, "token_type" text, "scope" text, "id_token" text, "session_state" text);
CREATE TABLE "Session" ("id" varchar PRIMARY KEY, "userId" uuid NOT NULL REFERENCES "User" ("id") ON DELETE CASCADE, "sessionToken" text NOT NULL UNIQUE, "expires" timestamptz NOT NULL);
CREATE TABLE "VerificationToken" ("identifier" text NOT NULL, "token" text NOT NULL UNIQUE, "expires" timestamptz NOT NULL);
CREATE INDEX "Account_userId_index" ON "Account" ("userId");
CREATE INDEX "Session_userId_index" ON "Session" ("userId");
"#,
    foreign_user: r#"INSERT INTO "User" ("id", "email", "emailVerified") VALUES ('5b8a3a7e-2f43-4c4f-9a0e-6d1b3f2c1a00', 'foreign@example.com', '2024-01-02T03:04:05.678Z')"#,
    stored: r#"SELECT typeof("emailVerified") || ':' || "emailVerified" FROM "User" WHERE "email" = 'stored@example.com'"#,
    expected: "text:2024-01-02T03:04:05.678Z",
    webauthn: false,
    skip: &[NO_UNIQUE_ACCOUNT],
};
