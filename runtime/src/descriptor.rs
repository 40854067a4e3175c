//! Dialect-neutral descriptors of models, as `#[derive(AuthModel)]` emits them in consts.
//!
//! Entry points: [`Table`] and [`Column`] (what the derive writes), [`Role`] and [`RoleField`]
//! (what each column means to the Auth.js contract), and the constraint queries on [`Table`]
//! ([`Table::primary_key`], [`Table::unique_keys`], [`Table::indexes`],
//! [`Table::references_user`]) that both the DDL and the SQL adapter read, so the keys a
//! table gets follow from its role in exactly one place.

/// The five models of the Auth.js contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A person who signs in.
    User,
    /// A link between a user and an OAuth/OIDC, email or WebAuthn provider.
    Account,
    /// A database session.
    Session,
    /// A single-use email sign-in token.
    VerificationToken,
    /// A WebAuthn credential.
    Authenticator,
}

impl Role {
    /// Every role, in the order tables are created (users first: the others reference it).
    pub const ALL: [Role; 5] = [
        Role::User,
        Role::Account,
        Role::Session,
        Role::VerificationToken,
        Role::Authenticator,
    ];

    /// The role's name as `#[auth(role = "...")]` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Account => "account",
            Role::Session => "session",
            Role::VerificationToken => "verification_token",
            Role::Authenticator => "authenticator",
        }
    }
}

/// What a column means to the contract. Columns without a role field are the application's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each variant is the Auth.js field of the same name
pub enum RoleField {
    UserId,
    UserEmail,
    UserEmailVerified,
    UserName,
    UserImage,
    AccountId,
    AccountUserId,
    AccountType,
    AccountProvider,
    AccountProviderAccountId,
    AccountRefreshToken,
    AccountAccessToken,
    AccountExpiresAt,
    AccountTokenType,
    AccountScope,
    AccountIdToken,
    AccountSessionState,
    SessionId,
    SessionToken,
    SessionUserId,
    SessionExpires,
    VerificationIdentifier,
    VerificationToken,
    VerificationExpires,
    AuthenticatorId,
    AuthenticatorCredentialId,
    AuthenticatorUserId,
    AuthenticatorProviderAccountId,
    AuthenticatorCredentialPublicKey,
    AuthenticatorCounter,
    AuthenticatorCredentialDeviceType,
    AuthenticatorCredentialBackedUp,
    AuthenticatorTransports,
    /// Not an Auth.js field: the JSON column of an account model that collects the token
    /// fields the model does not name (`#[auth(extra)]`).
    AccountExtra,
}

impl RoleField {
    /// The property's name in Auth.js (`emailVerified`, `providerAccountId`, `type`,
    /// `access_token`...): how a Next.js app sharing the database names it.
    pub fn authjs_name(self) -> &'static str {
        use RoleField::*;
        match self {
            UserId | AccountId | SessionId | AuthenticatorId => "id",
            UserEmail => "email",
            UserEmailVerified => "emailVerified",
            UserName => "name",
            UserImage => "image",
            AccountUserId | SessionUserId | AuthenticatorUserId => "userId",
            AccountType => "type",
            AccountProvider => "provider",
            AccountProviderAccountId | AuthenticatorProviderAccountId => "providerAccountId",
            AccountRefreshToken => "refresh_token",
            AccountAccessToken => "access_token",
            AccountExpiresAt => "expires_at",
            AccountTokenType => "token_type",
            AccountScope => "scope",
            AccountIdToken => "id_token",
            AccountSessionState => "session_state",
            AccountExtra => "extra",
            SessionToken => "sessionToken",
            SessionExpires | VerificationExpires => "expires",
            VerificationIdentifier => "identifier",
            VerificationToken => "token",
            AuthenticatorCredentialId => "credentialID",
            AuthenticatorCredentialPublicKey => "credentialPublicKey",
            AuthenticatorCounter => "counter",
            AuthenticatorCredentialDeviceType => "credentialDeviceType",
            AuthenticatorCredentialBackedUp => "credentialBackedUp",
            AuthenticatorTransports => "transports",
        }
    }

    /// Whether this field is a foreign key to the user's primary key.
    pub const fn references_user(self) -> bool {
        matches!(
            self,
            RoleField::AccountUserId | RoleField::SessionUserId | RoleField::AuthenticatorUserId
        )
    }
}

/// A snake_case name in camelCase (`provider_account_id` -> `providerAccountId`), as
/// Auth.js spells its fields: each `_` after the first character is dropped and the character
/// after it upper-cased; a leading `_` stays.
///
/// ```
/// use authmodel::descriptor::camel_case;
///
/// assert_eq!(camel_case("provider_account_id"), "providerAccountId");
/// assert_eq!(camel_case("email"), "email");
/// ```
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        match c {
            '_' if !out.is_empty() => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// The storage type of a column, before any dialect chooses its SQL spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// Text; bounded when the column has a maximum length or is part of a key.
    Text,
    /// A UUID: `uuid` on PostgreSQL, 36-character text elsewhere.
    Uuid,
    /// A boolean.
    Bool,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A double-precision float.
    Float64,
    /// An instant in UTC, kept to the millisecond on every dialect.
    Timestamp,
    /// An instant stored as an integer count of milliseconds since the Unix epoch
    /// (`#[auth(epoch_ms)]`): `integer` on SQLite, `bigint` on PostgreSQL and MySQL. The
    /// encoding of Drizzle's SQLite `integer({ mode: "timestamp_ms" })` and of Prisma's native
    /// SQLite `DateTime`. Its values are [`Value::Timestamp`](crate::value::Value::Timestamp)
    /// like any instant's: only the drivers see the integer.
    EpochMillis,
    /// A JSON document.
    Json,
    /// Raw bytes.
    Bytes,
}

/// How a primary key's value is produced for a new row.
#[derive(Debug, Clone, Copy)]
pub enum IdStrategy {
    /// A random UUID (version 4) generated in Rust.
    UuidV4,
    /// A time-ordered UUID (version 7) generated in Rust.
    UuidV7,
    /// An integer the database assigns (autoincrement, identity, serial).
    AutoIncrement,
    /// The value the application put in the struct is stored as given.
    Provided,
    /// A string from an application function (`#[auth(id_with = path)]`), called for each
    /// new row.
    Generated(fn() -> String),
}

impl PartialEq for IdStrategy {
    fn eq(&self, other: &IdStrategy) -> bool {
        match (self, other) {
            (IdStrategy::Generated(a), IdStrategy::Generated(b)) => std::ptr::fn_addr_eq(*a, *b),
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }
}

/// A column default, written into the DDL for rows inserted by other clients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultValue {
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A text literal.
    Text(&'static str),
    /// The current instant, in the column's encoding (`#[auth(created_at)]`): what a row
    /// another client inserts without the column gets, as Prisma's `@default(now())`.
    Now,
    /// A random (version 4) UUID the database makes, in the column's encoding
    /// (`#[auth(db_default)]` on an id): what a row another client inserts without an id
    /// gets. authmodel's own inserts still generate the id in Rust.
    RandomUuid,
}

/// How a table's keys are named: the names its DDL gives them and an
/// [`Error::Conflict`](crate::Error::Conflict) reports. Tables an ORM created carry its names,
/// and a model of such a table says which (`#[auth(key_names = "...")]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyNaming {
    /// PostgreSQL's own names for unnamed constraints, which Prisma also gives: `<table>_pkey`,
    /// `<table>_<columns>_key` for a unique key, `<table>_<columns>_idx` for an index,
    /// `<table>_<column>_fkey` for a foreign key. The default.
    #[default]
    Postgres,
    /// drizzle-kit's: `<table>_<columns>_pk` for a primary key of several columns (one of a
    /// single column is declared inline and gets PostgreSQL's `<table>_pkey`),
    /// `<table>_<columns>_unique` for a unique key, `<table>_<column>_<users>_<key>_fk` for
    /// the foreign key to the users table; indexes as [`KeyNaming::Postgres`].
    Drizzle,
}

/// One column of a model's table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// The SQL column name.
    pub name: &'static str,
    /// The Rust field it comes from.
    pub field: &'static str,
    /// The storage type.
    pub ty: ColumnType,
    /// Whether the column accepts `NULL` (the field is an `Option`).
    pub nullable: bool,
    /// What the column means to the contract; `None` for the application's own fields.
    pub role: Option<RoleField>,
    /// Whether this column is (part of) the declared primary key.
    pub primary_key: bool,
    /// How new values are produced, for a generated primary key.
    pub id: Option<IdStrategy>,
    /// A unique constraint on this column alone (`#[auth(unique)]`).
    pub unique: bool,
    /// A plain index on this column alone (`#[auth(index)]`).
    pub indexed: bool,
    /// The maximum length in characters (`#[auth(max_len = N)]`).
    pub max_len: Option<u32>,
    /// The default the DDL declares (`#[auth(default = ...)]`).
    pub default: Option<DefaultValue>,
    /// An instant the adapters write themselves (`#[auth(created_at)]`,
    /// `#[auth(updated_at)]`), whatever the model holds.
    pub stamp: Option<Stamp>,
}

/// An instant column the application owns: the adapters write the current instant into it,
/// as Prisma's client does for `@default(now())` and `@updatedAt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stamp {
    /// Written on every insert (`#[auth(created_at)]`); the DDL gives it the database's
    /// current instant as default.
    CreatedAt,
    /// Written on every insert and every update (`#[auth(updated_at)]`); no database default,
    /// as Prisma declares `@updatedAt`.
    UpdatedAt,
}

impl Column {
    /// Refuses text longer than the column's `max_len` (in characters, as `varchar(n)`
    /// counts), naming the column: the one length rule of every adapter, so SQLite, which
    /// keeps text of any length, refuses what PostgreSQL and MySQL refuse.
    pub fn check_len(&self, text: &str) -> crate::error::Result<()> {
        let Some(max) = self.max_len else {
            return Ok(());
        };
        // Bytes bound the characters: only long text needs counting.
        if text.len() <= max as usize || text.chars().count() <= max as usize {
            return Ok(());
        }
        Err(crate::error::Error::InvalidInput(format!(
            "column `{}` holds at most {max} characters, {} given",
            self.name,
            text.chars().count()
        )))
    }

    /// Refuses an integer the column cannot hold (beyond 32 bits in an `Int32` column), naming
    /// the column: the one range rule of every adapter, checked before anything is written.
    pub fn check_int(&self, value: i64) -> crate::error::Result<()> {
        if self.ty == ColumnType::Int32 && i32::try_from(value).is_err() {
            return Err(crate::error::Error::InvalidInput(format!(
                "{value} does not fit the 32-bit integer column `{}`",
                self.name
            )));
        }
        Ok(())
    }

    /// A column with no constraints: the starting point of every descriptor.
    pub const fn new(name: &'static str, field: &'static str, ty: ColumnType) -> Column {
        Column {
            name,
            field,
            ty,
            nullable: false,
            role: None,
            primary_key: false,
            id: None,
            unique: false,
            indexed: false,
            max_len: None,
            default: None,
            stamp: None,
        }
    }
}

/// A model's table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Table {
    /// The SQL table name.
    pub name: &'static str,
    /// The Rust type it comes from, for messages.
    pub type_name: &'static str,
    /// The contract role the model plays.
    pub role: Role,
    /// Every persisted column, in field order.
    pub columns: &'static [Column],
    /// How its keys are named.
    pub key_naming: KeyNaming,
}

/// A unique or plain index derived from the table's role and attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The constraint or index name, as [`Table::key_naming`] writes it:
    /// `<table>_<columns>_key` (or `_unique`) or `<table>_<columns>_idx`.
    pub name: String,
    /// The columns, in key order.
    pub columns: Vec<&'static Column>,
    /// Whether it is unique.
    pub unique: bool,
}

impl Table {
    /// The column playing `field`, if the model has one.
    pub fn column(&'static self, field: RoleField) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.role == Some(field))
    }

    /// The position of the column playing `field` in [`Table::columns`].
    pub fn position(&self, field: RoleField) -> Option<usize> {
        self.columns.iter().position(|c| c.role == Some(field))
    }

    /// The primary key: the columns marked as such, or the role's natural key when the model
    /// declares none (verification tokens: identifier and token; sessions: the token;
    /// accounts: provider and provider account id; authenticators: the credential id).
    pub fn primary_key(&'static self) -> Vec<&'static Column> {
        let declared: Vec<_> = self.columns.iter().filter(|c| c.primary_key).collect();
        if !declared.is_empty() {
            return declared;
        }
        self.natural_key()
    }

    /// The key that identifies a row for the contract, whatever the primary key is.
    pub fn natural_key(&'static self) -> Vec<&'static Column> {
        let fields: &[RoleField] = match self.role {
            Role::User => &[RoleField::UserId],
            Role::Account => &[
                RoleField::AccountProvider,
                RoleField::AccountProviderAccountId,
            ],
            Role::Session => &[RoleField::SessionToken],
            Role::VerificationToken => &[
                RoleField::VerificationIdentifier,
                RoleField::VerificationToken,
            ],
            Role::Authenticator => &[RoleField::AuthenticatorCredentialId],
        };
        fields.iter().filter_map(|f| self.column(*f)).collect()
    }

    /// Unique keys besides the primary key: the natural key when it is not the primary key,
    /// the user's email, and every `#[auth(unique)]` column.
    pub fn unique_keys(&'static self) -> Vec<Key> {
        let primary = self.primary_key();
        let mut keys: Vec<Vec<&'static Column>> = Vec::new();
        let natural = self.natural_key();
        if !natural.is_empty() && natural != primary {
            keys.push(natural);
        }
        if let Some(email) = self.column(RoleField::UserEmail) {
            keys.push(vec![email]);
        }
        for column in self.columns.iter().filter(|c| c.unique) {
            keys.push(vec![column]);
        }
        keys.dedup();
        keys.retain(|k| *k != primary);
        keys.into_iter()
            .map(|columns| self.key(columns, true))
            .collect()
    }

    /// Plain indexes: every column that references the user (the hot `user_id` lookups) and
    /// every `#[auth(index)]` column, unless a key already starts with it.
    pub fn indexes(&'static self) -> Vec<Key> {
        let mut covered: Vec<&'static Column> = self.primary_key().into_iter().take(1).collect();
        covered.extend(self.unique_keys().iter().map(|k| k.columns[0]));
        self.columns
            .iter()
            .filter(|c| c.indexed || c.role.is_some_and(RoleField::references_user))
            .filter(|c| !covered.contains(c))
            .map(|c| self.key(vec![c], false))
            .collect()
    }

    /// The column that references the user's primary key, for accounts, sessions and
    /// authenticators.
    pub fn references_user(&'static self) -> Option<&'static Column> {
        self.columns
            .iter()
            .find(|c| c.role.is_some_and(RoleField::references_user))
    }

    /// The primary key's name: `<table>_pkey`, or drizzle-kit's `<table>_<columns>_pk` for a
    /// key of several columns. MySQL calls every primary key `PRIMARY`; a conflict on it is
    /// reported under this name too.
    pub fn primary_key_name(&'static self) -> String {
        let primary = self.primary_key();
        match self.key_naming {
            KeyNaming::Drizzle if primary.len() > 1 => {
                let names: Vec<&str> = primary.iter().map(|c| c.name).collect();
                format!("{}_{}_pk", self.name, names.join("_"))
            }
            _ => format!("{}_pkey", self.name),
        }
    }

    /// The name of the foreign key from `column` to `target`, the primary key of the table
    /// `users`: `<table>_<column>_fkey`, or drizzle-kit's `<table>_<column>_<users>_<target>_fk`.
    pub fn foreign_key_name(&self, column: &Column, users: &Table, target: &Column) -> String {
        match self.key_naming {
            KeyNaming::Postgres => format!("{}_{}_fkey", self.name, column.name),
            KeyNaming::Drizzle => format!(
                "{}_{}_{}_{}_fk",
                self.name, column.name, users.name, target.name
            ),
        }
    }

    fn key(&self, columns: Vec<&'static Column>, unique: bool) -> Key {
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        let suffix = match (unique, self.key_naming) {
            (false, _) => "idx",
            (true, KeyNaming::Postgres) => "key",
            (true, KeyNaming::Drizzle) => "unique",
        };
        Key {
            name: format!("{}_{}_{}", self.name, names.join("_"), suffix),
            columns,
            unique,
        }
    }
}
