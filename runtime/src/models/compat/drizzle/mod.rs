//! The layouts of `@auth/drizzle-adapter`: the tables its `defineTables` declares in
//! `packages/adapter-drizzle/src/lib/{pg,mysql,sqlite}.ts` in the Auth.js repository, as
//! drizzle-kit creates them. One module per dialect, since the column types differ.
//!
//! Entry points: [`pg`], [`mysql`] and [`sqlite`], each with `User`, `Account`, `Session`,
//! `VerificationToken`, `Authenticator` and its schema type: [`pg::DrizzlePgAuth`],
//! [`mysql::DrizzleMySqlAuth`], [`sqlite::DrizzleSqliteAuth`].
//!
//! What they share: singular camelCase tables (`user`, `account`, `session`,
//! `verificationToken`, `authenticator`); the Auth.js column names (camelCase, the OAuth ones
//! in snake_case); text ids, `crypto.randomUUID()` there and a random UUID here; natural primary
//! keys (accounts by (`provider`, `providerAccountId`), sessions by `sessionToken`,
//! verification tokens by (`identifier`, `token`)); foreign keys to `user.id` that cascade;
//! and drizzle-kit's key names ([`KeyNaming::Drizzle`](crate::descriptor::KeyNaming::Drizzle):
//! `user_email_unique`, `account_provider_providerAccountId_pk`), which a conflict reports.
//!
//! Drizzle's `authenticator` is keyed by (`userId`, `credentialID`) with `credentialID`
//! unique; here it is keyed by `credentialID` alone (the conformance suite passes on both).

pub mod mysql;
pub mod pg;
pub mod sqlite;
