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

pub const PRISMA_POSTGRES: Layout = Layout {
    label: "prisma_postgres",
    ddl: r#"
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "email" TEXT NOT NULL,
    "emailVerified" TIMESTAMP(3),
    "image" TEXT,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Account" (
    "userId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "expires_at" INTEGER,
    "token_type" TEXT,
    "scope" TEXT,
    "id_token" TEXT,
    "session_state" TEXT,
    CONSTRAINT "Account_pkey" PRIMARY KEY ("provider","providerAccountId")
);
CREATE TABLE "Session" (
    "sessionToken" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expires" TIMESTAMP(3) NOT NULL
);
CREATE TABLE "VerificationToken" (
    "identifier" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expires" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "VerificationToken_pkey" PRIMARY KEY ("identifier","token")
);
CREATE TABLE "Authenticator" (
    "credentialID" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "credentialPublicKey" TEXT NOT NULL,
    "counter" INTEGER NOT NULL,
    "credentialDeviceType" TEXT NOT NULL,
    "credentialBackedUp" BOOLEAN NOT NULL,
    "transports" TEXT,
    CONSTRAINT "Authenticator_pkey" PRIMARY KEY ("userId","credentialID")
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "Session_sessionToken_key" ON "Session"("sessionToken");
CREATE UNIQUE INDEX "VerificationToken_token_key" ON "VerificationToken"("token");
CREATE UNIQUE INDEX "Authenticator_credentialID_key" ON "Authenticator"("credentialID");
ALTER TABLE "Account" ADD CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Authenticator" ADD CONSTRAINT "Authenticator_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
"#,
    foreign_user: r#"INSERT INTO "User" ("id", "email", "emailVerified") VALUES ('foreign-user', 'foreign@example.com', '2024-01-02 03:04:05.678')"#,
    stored: r#"SELECT "emailVerified"::text FROM "User" WHERE "email" = 'stored@example.com'"#,
    expected: "2024-01-02 03:04:05.678",
    webauthn: true,
    skip: &[],
};

pub const PRISMA_MYSQL: Layout = Layout {
    label: "prisma_mysql",
    ddl: r#"
CREATE TABLE `User` (
    `id` VARCHAR(191) NOT NULL,
    `name` VARCHAR(191) NULL,
    `email` VARCHAR(191) NOT NULL,
    `emailVerified` DATETIME(3) NULL,
    `image` VARCHAR(191) NULL,
    UNIQUE INDEX `User_email_key`(`email`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Account` (
    `userId` VARCHAR(191) NOT NULL,
    `type` VARCHAR(191) NOT NULL,
    `provider` VARCHAR(191) NOT NULL,
    `providerAccountId` VARCHAR(191) NOT NULL,
    `refresh_token` VARCHAR(191) NULL,
    `access_token` VARCHAR(191) NULL,
    `expires_at` INTEGER NULL,
    `token_type` VARCHAR(191) NULL,
    `scope` VARCHAR(191) NULL,
    `id_token` VARCHAR(191) NULL,
    `session_state` VARCHAR(191) NULL,
    PRIMARY KEY (`provider`, `providerAccountId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Session` (
    `sessionToken` VARCHAR(191) NOT NULL,
    `userId` VARCHAR(191) NOT NULL,
    `expires` DATETIME(3) NOT NULL,
    UNIQUE INDEX `Session_sessionToken_key`(`sessionToken`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `VerificationToken` (
    `identifier` VARCHAR(191) NOT NULL,
    `token` VARCHAR(191) NOT NULL,
    `expires` DATETIME(3) NOT NULL,
    UNIQUE INDEX `VerificationToken_token_key`(`token`),
    PRIMARY KEY (`identifier`, `token`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Authenticator` (
    `credentialID` VARCHAR(191) NOT NULL,
    `userId` VARCHAR(191) NOT NULL,
    `providerAccountId` VARCHAR(191) NOT NULL,
    `credentialPublicKey` VARCHAR(191) NOT NULL,
    `counter` INTEGER NOT NULL,
    `credentialDeviceType` VARCHAR(191) NOT NULL,
    `credentialBackedUp` BOOLEAN NOT NULL,
    `transports` VARCHAR(191) NULL,
    UNIQUE INDEX `Authenticator_credentialID_key`(`credentialID`),
    PRIMARY KEY (`userId`, `credentialID`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE `Account` ADD CONSTRAINT `Account_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `Session` ADD CONSTRAINT `Session_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `Authenticator` ADD CONSTRAINT `Authenticator_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
"#,
    foreign_user: "INSERT INTO `User` (`id`, `email`, `emailVerified`) VALUES ('foreign-user', 'foreign@example.com', '2024-01-02 03:04:05.678')",
    stored: "SELECT CAST(`emailVerified` AS CHAR) FROM `User` WHERE `email` = 'stored@example.com'",
    expected: "2024-01-02 03:04:05.678",
    webauthn: true,
    skip: &[],
};

/// Shared by Prisma's two SQLite encodings: the column type is `DATETIME` either way.
const PRISMA_SQLITE_DDL: &str = r#"
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT,
    "email" TEXT NOT NULL,
    "emailVerified" DATETIME,
    "image" TEXT
);
CREATE TABLE "Account" (
    "userId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "expires_at" INTEGER,
    "token_type" TEXT,
    "scope" TEXT,
    "id_token" TEXT,
    "session_state" TEXT,

    PRIMARY KEY ("provider", "providerAccountId"),
    CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE "Session" (
    "sessionToken" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expires" DATETIME NOT NULL,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE "VerificationToken" (
    "identifier" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expires" DATETIME NOT NULL,

    PRIMARY KEY ("identifier", "token")
);
CREATE TABLE "Authenticator" (
    "credentialID" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "credentialPublicKey" TEXT NOT NULL,
    "counter" INTEGER NOT NULL,
    "credentialDeviceType" TEXT NOT NULL,
    "credentialBackedUp" BOOLEAN NOT NULL,
    "transports" TEXT,

    PRIMARY KEY ("userId", "credentialID"),
    CONSTRAINT "Authenticator_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "Session_sessionToken_key" ON "Session"("sessionToken");
CREATE UNIQUE INDEX "VerificationToken_token_key" ON "VerificationToken"("token");
CREATE UNIQUE INDEX "Authenticator_credentialID_key" ON "Authenticator"("credentialID");
"#;

const PRISMA_SQLITE_STORED: &str = r#"SELECT typeof("emailVerified") || ':' || "emailVerified" FROM "User" WHERE "email" = 'stored@example.com'"#;

/// Prisma 7's SQLite adapters: ISO 8601 text.
pub const PRISMA_SQLITE: Layout = Layout {
    label: "prisma_sqlite",
    ddl: PRISMA_SQLITE_DDL,
    foreign_user: r#"INSERT INTO "User" ("id", "email", "emailVerified") VALUES ('foreign-user', 'foreign@example.com', '2024-01-02T03:04:05.678Z')"#,
    stored: PRISMA_SQLITE_STORED,
    expected: "text:2024-01-02T03:04:05.678Z",
    webauthn: true,
    skip: &[],
};

/// Prisma 6 and older on SQLite: integer milliseconds.
pub const PRISMA_SQLITE_EPOCH_MS: Layout = Layout {
    label: "prisma_sqlite_epoch_ms",
    ddl: PRISMA_SQLITE_DDL,
    foreign_user: r#"INSERT INTO "User" ("id", "email", "emailVerified") VALUES ('foreign-user', 'foreign@example.com', 1704164645678)"#,
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
