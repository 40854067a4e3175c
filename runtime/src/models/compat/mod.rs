//! Ready-made model sets for tables a Next.js app with Auth.js already owns: point a Rust
//! service at the same database and it reads and writes the same rows, in the same encodings.
//!
//! Entry points: one module per layout, each with the models `User`, `Account`, `Session`,
//! `VerificationToken` (and `Authenticator` where the layout has one) and the schema type
//! binding them, for [`SqlAdapter`](crate::SqlAdapter). Each schema type is named after its
//! layout (`prisma::PrismaAuth`), not after the [`Schema`](crate::Schema) trait it implements;
//! the former name, `Schema` in each module, remains as a deprecated alias.
//!
//! | module | schema type | Auth.js adapter | dialects | ids | instants stored as |
//! |---|---|---|---|---|---|
//! | [`prisma`] | [`PrismaAuth`](prisma::PrismaAuth) | `@auth/prisma-adapter`, the docs' PostgreSQL schema | PostgreSQL (MySQL, SQLite: tables created here) | text (`cuid()`; UUIDs written here) | `timestamp(3)` |
//! | [`prisma::sqlite`] | [`PrismaSqliteAuth`](prisma::sqlite::PrismaSqliteAuth) | the same, the docs' SQLite schema, Prisma 7 | SQLite | text | ISO 8601 text |
//! | [`prisma::epoch_ms`] | [`PrismaEpochMsAuth`](prisma::epoch_ms::PrismaEpochMsAuth) | the same, the docs' SQLite schema, Prisma ≤ 6 | SQLite | text | integer milliseconds |
//! | [`prisma::mysql`] | [`PrismaMySqlAuth`](prisma::mysql::PrismaMySqlAuth) | the same, the docs' MySQL schema | MySQL, MariaDB | text | `datetime(3)` |
//! | [`drizzle::pg`] | [`DrizzlePgAuth`](drizzle::pg::DrizzlePgAuth) | `@auth/drizzle-adapter` | PostgreSQL | text UUIDs | `timestamp` |
//! | [`drizzle::mysql`] | [`DrizzleMySqlAuth`](drizzle::mysql::DrizzleMySqlAuth) | `@auth/drizzle-adapter` | MySQL, MariaDB | text UUIDs | `timestamp(3)` / `timestamp` |
//! | [`drizzle::sqlite`] | [`DrizzleSqliteAuth`](drizzle::sqlite::DrizzleSqliteAuth) | `@auth/drizzle-adapter` | SQLite | text UUIDs | integer milliseconds |
//! | [`pg`] | [`PgAdapterAuth`](pg::PgAdapterAuth) | `@auth/pg-adapter` | PostgreSQL | `SERIAL` integers | `timestamptz` |
//! | [`kysely`] | [`KyselyAuth`](kysely::KyselyAuth) | `@auth/kysely-adapter` | PostgreSQL, MySQL, SQLite | UUIDs | `timestamptz`, `DATETIME(3)`, ISO 8601 text |
//!
//! ```no_run
//! use authmodel::compat::prisma;
//! use authmodel::{Adapter, Options, SqlAdapter};
//!
//! # async fn run() -> authmodel::Result<()> {
//! // The tables `prisma migrate` created; nothing is created or altered here.
//! let auth = SqlAdapter::<prisma::PrismaAuth>::connect(
//!     "postgres://app@localhost/app",
//!     Options::default(),
//! )
//! .await?;
//! let user: Option<prisma::User> = auth.get_user_by_email("ada@example.com").await?;
//! # Ok(())
//! # }
//! ```
//!
//! Each model set is its layout exactly, as the adapter's own tooling creates it for that
//! dialect (`tests/interop/layouts/`: drizzle-kit's output, Kysely's schema builder, the
//! adapters' own files): names, types, nullability, the defaults the adapter relies on,
//! primary keys, unique keys, indexes and foreign keys (`exact_keys`, `no_primary_key`,
//! `no_foreign_key`, `on_delete`). `authmodel check --schema ...` is clean on those tables; what
//! a layout lacks that authmodel would recommend (a `userId` index, a unique email) is a note,
//! and `migrate --recommended-indexes` adds only the plain indexes.
//!
//! Every model set passes the conformance suite ([`crate::testing`]) on tables created with
//! its adapter's own DDL (`tests/compat.rs`), but for the cases its layout cannot hold (a
//! duplicate it has no unique key to refuse, a delete its foreign keys restrict), and runs
//! against the real adapter from npm in both directions (`tests/interop.rs`). What all of them
//! share:
//! - `expires_at` is whole seconds, `emailVerified` keeps milliseconds where the column does;
//! - verification tokens are stored as given (Auth.js hashes them before the adapter sees
//!   them);
//! - a `timestamp` column without time zone (Prisma, Drizzle on PostgreSQL) holds UTC: the
//!   adapter's PostgreSQL sessions run in UTC, and MySQL's `TIMESTAMP` is converted in the
//!   session zone `+00:00`;
//! - `Debug` prints no credential: the session token, the verification token and the
//!   account's OAuth tokens and `session_state` show as `"<redacted>"` (`#[auth(debug)]`);
//! - keys carry the names the layout's tool gives them
//!   ([`KeyNaming`](crate::descriptor::KeyNaming)), so an [`Error::Conflict`](crate::Error::Conflict)
//!   names the constraint in the database (on MySQL, a unique key created without a name is
//!   reported by the name the model gives it).
//!
//! The DDL [`crate::statements::ddl`] writes for these schemas (`authmodel generate --schema
//! ...`) creates the layout's tables, with the same keys, in this crate's own types where they
//! hold the same values (`timestamptz`, `datetime(3)`): the real adapter signs users in on
//! them, as `tests/interop.rs` proves for each layout and dialect.

pub mod drizzle;
pub mod kysely;
pub mod pg;
pub mod prisma;

#[cfg(test)]
mod tests {
    use super::{drizzle, kysely, pg, prisma};
    use crate::models::tests::assert_prints_no_secret;
    use crate::traits::Model;

    #[test]
    fn no_layout_prints_a_credential() {
        macro_rules! check {
            ($($layout:ident)::+: $($model:ident),+) => {{
                use $($layout)::+ as layout;
                $(assert_prints_no_secret::<layout::$model>();)+
            }};
        }
        check!(prisma: User, Account, Session, VerificationToken, Authenticator);
        check!(prisma::sqlite: User, Account, Session, VerificationToken, Authenticator);
        check!(prisma::epoch_ms: User, Account, Session, VerificationToken, Authenticator);
        check!(prisma::mysql: User, Account, Session, VerificationToken, Authenticator);
        check!(drizzle::pg: User, Account, Session, VerificationToken, Authenticator);
        check!(drizzle::mysql: User, Account, Session, VerificationToken, Authenticator);
        check!(drizzle::sqlite: User, Account, Session, VerificationToken, Authenticator);
        check!(pg: User, Account, Session, VerificationToken, Authenticator);
        check!(kysely: User, Account, Session, VerificationToken);
    }

    /// Every schema type has a name of its own, so that generic code can import the
    /// [`Schema`](crate::Schema) trait and all the layouts side by side; the former names
    /// are the same types.
    #[test]
    #[allow(deprecated)]
    fn schema_types_have_names_of_their_own() {
        use std::any::TypeId;

        use crate::Schema;

        fn user_table<S: Schema>() -> &'static str {
            <S::User as Model>::TABLE.name
        }
        use drizzle::mysql::DrizzleMySqlAuth;
        use drizzle::pg::DrizzlePgAuth;
        use drizzle::sqlite::DrizzleSqliteAuth;
        use kysely::KyselyAuth;
        use pg::PgAdapterAuth;
        use prisma::PrismaAuth;
        use prisma::epoch_ms::PrismaEpochMsAuth;
        let tables = [
            user_table::<PrismaAuth>(),
            user_table::<PrismaEpochMsAuth>(),
            user_table::<DrizzlePgAuth>(),
            user_table::<DrizzleMySqlAuth>(),
            user_table::<DrizzleSqliteAuth>(),
            user_table::<PgAdapterAuth>(),
            user_table::<KyselyAuth>(),
        ];
        assert_eq!(
            tables,
            ["User", "User", "user", "user", "user", "users", "User"]
        );
        let renamed = [
            (TypeId::of::<prisma::Schema>(), TypeId::of::<PrismaAuth>()),
            (
                TypeId::of::<prisma::epoch_ms::Schema>(),
                TypeId::of::<PrismaEpochMsAuth>(),
            ),
            (
                TypeId::of::<drizzle::pg::Schema>(),
                TypeId::of::<DrizzlePgAuth>(),
            ),
            (
                TypeId::of::<drizzle::mysql::Schema>(),
                TypeId::of::<DrizzleMySqlAuth>(),
            ),
            (
                TypeId::of::<drizzle::sqlite::Schema>(),
                TypeId::of::<DrizzleSqliteAuth>(),
            ),
            (TypeId::of::<pg::Schema>(), TypeId::of::<PgAdapterAuth>()),
            (TypeId::of::<kysely::Schema>(), TypeId::of::<KyselyAuth>()),
        ];
        for (old, new) in renamed {
            assert_eq!(old, new);
        }
    }

    #[test]
    fn keys_are_named_as_the_layouts_tool_names_them() {
        let account = <drizzle::pg::Account as Model>::TABLE;
        assert_eq!(
            account.primary_key_name(),
            "account_provider_providerAccountId_pk"
        );
        // A single-column key is declared inline by drizzle-kit: PostgreSQL names it.
        let session = <drizzle::pg::Session as Model>::TABLE;
        assert_eq!(session.primary_key_name(), "session_pkey");
        let user = <drizzle::pg::User as Model>::TABLE;
        let names: Vec<String> = user.unique_keys().into_iter().map(|k| k.name).collect();
        assert_eq!(names, ["user_email_unique"]);
        let column = account.references_user().expect("userId");
        let key = &user.columns[0];
        assert_eq!(
            account.foreign_key_name(column, user, key),
            "account_userId_user_id_fk"
        );

        let account = <prisma::Account as Model>::TABLE;
        assert_eq!(account.primary_key_name(), "Account_pkey");
        let user = <prisma::User as Model>::TABLE;
        let column = account.references_user().expect("userId");
        assert_eq!(
            account.foreign_key_name(column, user, &user.columns[0]),
            "Account_userId_fkey"
        );
        // The docs' PostgreSQL schema has no unique key on the token alone; SQLite's and
        // MySQL's key the pair with a unique key, not a primary key.
        let tokens = <prisma::VerificationToken as Model>::TABLE;
        assert!(tokens.unique_keys().is_empty());
        assert_eq!(tokens.primary_key_name(), "VerificationToken_pkey");
        let tokens = <prisma::mysql::VerificationToken as Model>::TABLE;
        let names: Vec<String> = tokens.unique_keys().into_iter().map(|k| k.name).collect();
        assert_eq!(names, ["VerificationToken_identifier_token_key"]);
        let account = <prisma::mysql::Account as Model>::TABLE;
        let names: Vec<String> = account.unique_keys().into_iter().map(|k| k.name).collect();
        assert_eq!(
            names,
            [
                "Account_userId_key",
                "Account_provider_providerAccountId_key"
            ]
        );
        let names: Vec<String> = account.indexes().into_iter().map(|k| k.name).collect();
        assert_eq!(names, ["Account_userId_idx"]);
        // Prisma's default for a required relation without `onDelete`: RESTRICT.
        use crate::descriptor::OnDelete;
        assert_eq!(account.keys.on_delete, OnDelete::Restrict);
        let sessions = <prisma::mysql::Session as Model>::TABLE;
        assert_eq!(sessions.keys.on_delete, OnDelete::Restrict);
        let passkeys = <prisma::mysql::Authenticator as Model>::TABLE;
        assert_eq!(passkeys.keys.on_delete, OnDelete::Cascade);
    }
}
