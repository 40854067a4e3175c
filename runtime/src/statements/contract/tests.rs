//! The statements as rendered per dialect and per `RETURNING` flavour.

use chrono::{Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::models::{DefaultSchema, User};
use crate::traits::{Model, Schema};
use crate::value::Value;

fn user() -> User {
    User {
        id: Uuid::nil(),
        name: None,
        email: "a@example.com".into(),
        email_verified: Some(instant()),
        image: None,
    }
}

fn instant() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 5, 6, 7, 8, 9).unwrap() + Duration::nanoseconds(123_456_789)
}

fn statements(dialect: Dialect, returning: Returning) -> Statements {
    Statements::new(dialect, returning, DefaultSchema::tables()).unwrap()
}

#[test]
fn statements_render_per_dialect() {
    let sqlite = statements(Dialect::Sqlite, Returning::ALL);
    assert_eq!(
        &*sqlite.use_verification_token.stmt.sql,
        r#"DELETE FROM "verification_tokens" WHERE "verification_tokens"."identifier" = ? AND "verification_tokens"."token" = ? AND ("verification_tokens"."identifier" IS NOT NULL AND "verification_tokens"."token" IS NOT NULL AND "verification_tokens"."expires" IS NOT NULL) RETURNING "identifier", "token", "expires""#
    );
    assert!(sqlite.use_verification_token.reread.is_none());
    assert_eq!(sqlite.session_and_user.columns.len(), 1);
    let postgres = statements(Dialect::Postgres, Returning::ALL);
    assert_eq!(
        &*postgres.update_authenticator_counter.stmt.sql,
        r#"UPDATE "authenticators" SET "counter" = $1 WHERE "credential_id" = $2 AND ("authenticators"."credential_id" IS NOT NULL AND "authenticators"."user_id" IS NOT NULL AND "authenticators"."provider_account_id" IS NOT NULL AND "authenticators"."credential_public_key" IS NOT NULL AND "authenticators"."counter" IS NOT NULL AND "authenticators"."credential_device_type" IS NOT NULL AND "authenticators"."credential_backed_up" IS NOT NULL) RETURNING "credential_id", "user_id", "provider_account_id", "credential_public_key", "counter", "credential_device_type", "credential_backed_up", "transports""#
    );
    let names: Vec<&str> = postgres
        .update_authenticator_counter
        .stmt
        .columns
        .iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["counter", "credential_id"]);
}

#[test]
fn mariadb_appends_returning_to_inserts_and_deletes() {
    let mariadb = statements(Dialect::MySql, Returning::MARIADB);
    assert_eq!(
        &*mariadb.use_verification_token.stmt.sql,
        "DELETE FROM `verification_tokens` WHERE `verification_tokens`.`identifier` = ? AND `verification_tokens`.`token` = ? AND (`verification_tokens`.`identifier` IS NOT NULL AND `verification_tokens`.`token` IS NOT NULL AND `verification_tokens`.`expires` IS NOT NULL) RETURNING `identifier`, `token`, `expires`"
    );
    assert!(mariadb.use_verification_token.reread.is_none());
    let insert = &mariadb.insert_session.write;
    assert_eq!(
        &*insert.stmt.sql,
        "INSERT INTO `sessions` (`id`, `session_token`, `user_id`, `expires`) VALUES (?, ?, ?, ?) RETURNING `id`, `session_token`, `user_id`, `expires`"
    );
    assert!(insert.reread.is_none());
    // No UPDATE ... RETURNING on MariaDB: read back by key.
    let counter = &mariadb.update_authenticator_counter;
    assert_eq!(
        &*counter.stmt.sql,
        "UPDATE `authenticators` SET `counter` = ? WHERE `credential_id` = ? AND (`authenticators`.`credential_id` IS NOT NULL AND `authenticators`.`user_id` IS NOT NULL AND `authenticators`.`provider_account_id` IS NOT NULL AND `authenticators`.`credential_public_key` IS NOT NULL AND `authenticators`.`counter` IS NOT NULL AND `authenticators`.`credential_device_type` IS NOT NULL AND `authenticators`.`credential_backed_up` IS NOT NULL)"
    );
    let reread = counter.reread.as_ref().unwrap();
    assert!(
        reread
            .stmt
            .sql
            .ends_with("WHERE `authenticators`.`credential_id` = ?")
    );
    assert_eq!(&*reread.sources, &[Source::Param(1)]);
    assert!(!reread.before);
}

#[test]
fn mysql_reads_back_inserts_and_locks_before_deletes() {
    let mysql = statements(Dialect::MySql, Returning::NONE);
    let delete = &mysql.use_verification_token;
    assert!(
        !delete.stmt.sql.contains("RETURNING"),
        "{}",
        delete.stmt.sql
    );
    let lock = delete.reread.as_ref().unwrap();
    assert_eq!(
        &*lock.stmt.sql,
        "SELECT `verification_tokens`.`identifier`, `verification_tokens`.`token`, `verification_tokens`.`expires` FROM `verification_tokens` WHERE `verification_tokens`.`identifier` = ? AND `verification_tokens`.`token` = ? FOR UPDATE"
    );
    assert!(lock.before);
    assert_eq!(&*lock.sources, &[Source::Param(0), Source::Param(1)]);
    // Verification tokens are read back by their (identifier, token) primary key.
    let insert = mysql
        .insert_verification_token
        .write
        .reread
        .as_ref()
        .unwrap();
    assert_eq!(&*insert.sources, &[Source::Param(0), Source::Param(1)]);
    assert!(!insert.before);
    for stmt in [&mysql.insert_user.write.stmt, &mysql.delete_user.stmt] {
        assert!(!stmt.sql.contains("RETURNING"), "{}", stmt.sql);
    }
}

#[test]
fn update_sql_is_built_once_per_column_set() {
    let statements = statements(Dialect::Sqlite, Returning::ALL);
    let updates = &statements.update_user;
    let mut name = vec![(1, Value::Text("a".into()))];
    let first = updates.get(&mut name).unwrap();
    let again = updates.get(&mut [(1, Value::Null)]).unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again));
    assert_eq!(
        &*first.stmt.sql,
        r#"UPDATE "users" SET "name" = ? WHERE "id" = ? AND ("users"."id" IS NOT NULL AND "users"."email" IS NOT NULL) RETURNING "id", "name", "email", "email_verified", "image""#
    );
    // Out of order in, column order out (values follow their columns).
    let mut two = vec![(4, Value::Null), (2, Value::Text("e".into()))];
    let write = updates.get(&mut two).unwrap();
    assert!(
        write.stmt.sql.contains(r#"SET "email" = ?, "image" = ?"#),
        "{}",
        write.stmt.sql
    );
    let columns: Vec<&str> = write.stmt.columns.iter().map(|c| c.name).collect();
    assert_eq!(columns, ["email", "image", "id"]);
    assert_eq!(two[0].0, 2);
    assert!(updates.get(&mut [(9, Value::Null)]).is_err());
    assert!(
        updates
            .get(&mut [(1, Value::Null), (1, Value::Null)])
            .is_err()
    );
}

#[test]
fn an_update_of_the_key_is_read_back_by_its_new_value() {
    let mysql = statements(Dialect::MySql, Returning::NONE);
    // Session columns: id, session_token, user_id, expires; the key is the token.
    let mut assignments = vec![(3, Value::Null), (1, Value::Text("new".into()))];
    let write = mysql.update_session.get(&mut assignments).unwrap();
    assert_eq!(
        &*write.reread.as_ref().unwrap().sources,
        &[Source::Param(0)]
    );
    let write = mysql.update_session.get(&mut [(3, Value::Null)]).unwrap();
    assert_eq!(
        &*write.reread.as_ref().unwrap().sources,
        &[Source::Param(1)]
    );
}

#[test]
fn inserts_generate_ids_and_truncate_timestamps() {
    let statements = statements(Dialect::Sqlite, Returning::ALL);
    let params = statements
        .insert_user
        .params(user().to_values().unwrap())
        .unwrap();
    assert!(matches!(params[0], Value::Uuid(id) if id != Uuid::nil()));
    assert_eq!(
        params[3],
        Value::Timestamp(crate::value::to_millis(instant()))
    );
    assert!(statements.insert_user.params(vec![Value::Null]).is_err());
}

#[test]
fn expired_rows_are_deleted_in_bounded_batches_per_dialect() {
    let sqlite = statements(Dialect::Sqlite, Returning::ALL);
    assert_eq!(
        &*sqlite.delete_expired_sessions.sql,
        r#"DELETE FROM "sessions" WHERE "sessions"."session_token" IN (SELECT "sessions"."session_token" FROM "sessions" WHERE "sessions"."expires" < ? LIMIT ?)"#
    );
    let postgres = statements(Dialect::Postgres, Returning::ALL);
    assert_eq!(
        &*postgres.delete_expired_verification_tokens.sql,
        r#"DELETE FROM "verification_tokens" WHERE ("verification_tokens"."identifier", "verification_tokens"."token") IN (SELECT "verification_tokens"."identifier", "verification_tokens"."token" FROM "verification_tokens" WHERE "verification_tokens"."expires" < $1 LIMIT $2)"#
    );
    let mysql = statements(Dialect::MySql, Returning::NONE);
    assert_eq!(
        &*mysql.delete_expired_sessions.sql,
        "DELETE FROM `sessions` WHERE `sessions`.`expires` < ? LIMIT ?"
    );
    for stmt in [
        &sqlite.delete_expired_sessions,
        &postgres.delete_expired_verification_tokens,
        &mysql.delete_expired_sessions,
    ] {
        let names: Vec<&str> = stmt.columns.iter().map(|c| c.name).collect();
        assert_eq!(names, ["expires", "limit"]);
    }
}

#[test]
fn accounts_are_updated_by_their_provider_key() {
    let postgres = statements(Dialect::Postgres, Returning::ALL);
    let accounts = <crate::models::Account as Model>::TABLE;
    let at = accounts
        .position(RoleField::AccountAccessToken)
        .expect("an access token column");
    let mut assignments = [(at, Value::Text("t".into()))];
    let write = postgres.update_account.get(&mut assignments).unwrap();
    assert!(
        write
            .stmt
            .sql
            .starts_with(r#"UPDATE "accounts" SET "access_token" = $1 WHERE "provider" = $2 AND "provider_account_id" = $3 AND ("#),
        "{}",
        write.stmt.sql
    );
    // MySQL 8 reads the row back by the same key, from the parameters after the value.
    let mysql = statements(Dialect::MySql, Returning::NONE);
    let write = mysql.update_account.get(&mut assignments).unwrap();
    let reread = write.reread.as_ref().expect("a read back");
    assert_eq!(&*reread.sources, [Source::Param(1), Source::Param(2)]);
}

#[test]
fn sign_up_is_one_statement_where_ctes_may_write() {
    let postgres = statements(Dialect::Postgres, Returning::ALL);
    let one = postgres
        .sign_up_with_account
        .as_ref()
        .expect("PostgreSQL has it");
    assert!(one.stmt.sql.starts_with(
        r#"WITH "signed_up_user" AS (INSERT INTO "users" ("id", "name", "email", "email_verified", "image") VALUES ($1, $2, $3, $4, $5) RETURNING "id", "name", "email", "email_verified", "image"), "signed_up_account" AS (INSERT INTO "accounts" ("id", "user_id", "type", "#
    ), "{}", one.stmt.sql);
    assert!(
        one.stmt
            .sql
            .contains(r#"SELECT $6, "signed_up_user"."id", $7, "#),
        "{}",
        one.stmt.sql
    );
    assert!(
        one.stmt
            .sql
            .ends_with(r#"FROM "signed_up_user", "signed_up_account", "signed_up_session""#)
    );
    // 5 user columns, 11 of the account's 12 and 3 of the session's 4: the user columns
    // come from the user's row.
    assert_eq!(one.stmt.columns.len(), 5 + 11 + 3);
    let without = postgres
        .sign_up_without_account
        .as_ref()
        .expect("PostgreSQL has it");
    assert!(!without.stmt.sql.contains("accounts"));
    for dialect in [Dialect::Sqlite, Dialect::MySql] {
        let other = statements(dialect, Returning::ALL);
        assert!(other.sign_up_with_account.is_none() && other.sign_up_without_account.is_none());
    }
}

#[test]
fn sign_in_with_account_is_one_statement_where_ctes_may_write() {
    let postgres = statements(Dialect::Postgres, Returning::ALL);
    let one = postgres
        .sign_in_with_account
        .as_ref()
        .expect("PostgreSQL has it");
    let sql = &*one.stmt.sql;
    assert!(
        sql.starts_with(
            r#"WITH "sign_in_linked" AS (SELECT "users"."id", "users"."name", "users"."email", "users"."email_verified", "users"."image" FROM "users" INNER JOIN "accounts" ON "accounts"."user_id" = "users"."id" WHERE "accounts"."provider" = $1 AND "accounts"."provider_account_id" = $2 LIMIT 1), "sign_in_taken" AS (SELECT "#
        ),
        "{sql}"
    );
    // The user is inserted only when nothing is linked and nobody has the email.
    assert!(
        sql.contains(r#"SELECT $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM "sign_in_linked") AND NOT EXISTS (SELECT 1 FROM "sign_in_taken")"#),
        "{sql}"
    );
    // The session goes to the linked user or the new one.
    assert!(
        sql.contains(r#"FROM (SELECT "id" FROM "sign_in_linked" UNION ALL SELECT "id" FROM "sign_in_user") AS "sign_in_owner""#),
        "{sql}"
    );
    // The key and the email, then 5 user columns, 11 of the account's 12 and 3 of the
    // session's 4.
    assert_eq!(one.stmt.columns.len(), 3 + 5 + 11 + 3);
    let params = one
        .params(
            [Value::Text("github".into()), Value::Text("1".into())],
            Value::Null,
            vec![Value::Null; 5],
            vec![Value::Null; 12],
            vec![Value::Null; 4],
        )
        .expect("the parameters");
    assert_eq!(params.len(), one.stmt.columns.len());
    for dialect in [Dialect::Sqlite, Dialect::MySql] {
        assert!(
            statements(dialect, Returning::ALL)
                .sign_in_with_account
                .is_none()
        );
    }
}
