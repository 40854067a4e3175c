-- Kysely layout, mysql: the documented migration (Auth.js
-- docs/pages/getting-started/adapters/kysely.mdx, `up`) compiled by Kysely 0.28.19's
-- schema builder (MysqlQueryCompiler). Written by: node tests/interop/ddl.mjs.
-- Adapted as the adapter's own test (packages/adapter-kysely/test/index.test.ts) does for
-- MySQL, because the docs' types are PostgreSQL's: uuid -> varchar(36) DEFAULT (UUID()),
-- timestamptz -> DATETIME(3), text -> varchar(255) (TEXT cannot be UNIQUE in MySQL), and
-- the userId foreign keys as table constraints (MySQL ignores an inline REFERENCES).

create table `User` (`id` varchar(36) default (UUID()) primary key, `name` varchar(255), `email` varchar(255) not null unique, `emailVerified` DATETIME(3), `image` varchar(255));

create table `Account` (`id` varchar(36) default (UUID()) primary key, `userId` varchar(36) not null references `User` (`id`) on delete cascade, `type` varchar(255) not null, `provider` varchar(255) not null, `providerAccountId` varchar(255) not null, `refresh_token` varchar(255), `access_token` varchar(255), `expires_at` bigint, `token_type` varchar(255), `scope` varchar(255), `id_token` varchar(255), `session_state` varchar(255), constraint `Account_userId_fk` foreign key (`userId`) references `User` (`id`) on delete cascade);

create table `Session` (`id` varchar(36) default (UUID()) primary key, `userId` varchar(36) not null references `User` (`id`) on delete cascade, `sessionToken` varchar(255) not null unique, `expires` DATETIME(3) not null, constraint `Session_userId_fk` foreign key (`userId`) references `User` (`id`) on delete cascade);

create table `VerificationToken` (`identifier` varchar(255) not null, `token` varchar(255) not null unique, `expires` DATETIME(3) not null);

create index `Account_userId_index` on `Account` (`userId`);

create index `Session_userId_index` on `Session` (`userId`);
