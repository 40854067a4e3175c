//! Dialect-neutral descriptors of models, as `#[derive(AuthModel)]` emits them in consts.
//!
//! Entry points: [`Table`] and [`Column`] (what the derive writes), [`Role`] and [`RoleField`]
//! (what each column means to the Auth.js contract), and the constraint queries on [`Table`]
//! ([`Table::primary_key`], [`Table::unique_keys`], [`Table::indexes`],
//! [`Table::foreign_key`]) that both the DDL and the SQL adapter read, so the keys a table
//! gets follow from its role and its declared [`Keys`] in exactly one place; the role's keys a
//! table declared without are [`Table::recommended_keys`].

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
    /// The keys the model declares on the struct (`#[auth(primary_key(...), unique(...),
    /// index(...), exact_keys, no_foreign_key)]`); [`Keys::DERIVED`] when it declares none.
    pub keys: Keys,
}

/// The keys a model declares on its struct, by column name: what a layout has beyond, or
/// instead of, the keys its role implies. [`Keys::DERIVED`] (the default) declares nothing:
/// the table then has exactly the role's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys {
    /// A primary key of one or more columns, in key order (`primary_key(a, b)`); empty when
    /// the primary key is a field's `#[auth(id)]` or the role's natural key.
    pub primary: &'static [&'static str],
    /// Unique keys (`unique(a, b)`, optionally `name = "..."`).
    pub unique: &'static [DeclaredKey],
    /// Plain indexes (`index(a, b)`, optionally `name = "..."`).
    pub indexes: &'static [DeclaredKey],
    /// `exact_keys`: the table has the declared keys only, none derived from its role; the
    /// role's keys it lacks are [`Table::recommended_keys`].
    pub exact: bool,
    /// Whether the column that references the user is a foreign key (`no_foreign_key`
    /// turns it off).
    pub foreign_key: bool,
    /// Whether [`Table::primary_key`] is declared to the database as the table's primary key
    /// (`no_primary_key` turns it off, for layouts whose tool creates none: Prisma's
    /// `Session`, drizzle-kit's PostgreSQL `account`). The contract still finds a row by it;
    /// the database then keeps it unique only through a unique key, if the model has one.
    pub primary_constraint: bool,
    /// What deleting the user does to the rows referencing it through the foreign key
    /// (`on_delete = "restrict"`; [`OnDelete::Cascade`] by default).
    pub on_delete: OnDelete,
    /// `without_rowid`: on SQLite the table is a `WITHOUT ROWID` table, stored in the B-tree
    /// of its primary key, so that a search by the primary key is one B-tree walk that ends on
    /// the row instead of two (the key's index, then the rowid table). The other dialects
    /// store the table as they always do: InnoDB already keeps rows in primary key order, and
    /// PostgreSQL's tables are heaps.
    pub without_rowid: bool,
}

/// What the foreign key to the user does when the user is deleted: `#[auth(on_delete =
/// "...")]` on the struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDelete {
    /// `ON DELETE CASCADE` (the default): the rows go with the user.
    #[default]
    Cascade,
    /// `ON DELETE RESTRICT`: deleting a user who still has such rows fails (Prisma's default
    /// for a required relation without `onDelete`, as in the Auth.js docs' MySQL schema).
    Restrict,
}

impl Keys {
    /// No declared keys: the role's keys, the foreign key to the user included.
    pub const DERIVED: Keys = Keys {
        primary: &[],
        unique: &[],
        indexes: &[],
        exact: false,
        foreign_key: true,
        primary_constraint: true,
        on_delete: OnDelete::Cascade,
        without_rowid: false,
    };
}

impl Default for Keys {
    fn default() -> Keys {
        Keys::DERIVED
    }
}

/// A unique key or index declared on a model's struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeclaredKey {
    /// Its name as the layout spells it (`Account_userId_index`); `None` names it as
    /// [`Table::key_naming`] does.
    pub name: Option<&'static str>,
    /// Its column names, in key order.
    pub columns: &'static [&'static str],
}

/// What kind of key a [`Recommendation`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecommendationKind {
    /// A plain index.
    Index,
    /// A unique key.
    Unique,
    /// The foreign key to the user table, `ON DELETE CASCADE`.
    ForeignKey,
}

/// A key the table's role implies and the table, declared with `exact_keys` or
/// `no_foreign_key`, lacks: what `authmodel check` prints as a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// Index, unique key or foreign key.
    pub kind: RecommendationKind,
    /// The key as it would be created: its name (as [`Table::key_naming`] names it; a foreign
    /// key's is `<table>_<column>_fkey`) and columns.
    pub key: Key,
    /// Why the role wants it, in one line.
    pub reason: &'static str,
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

    /// The primary key: the struct's `primary_key(...)`, else the columns marked as such, else
    /// the role's natural key when the model declares none (verification tokens: identifier
    /// and token; sessions: the token; accounts: provider and provider account id;
    /// authenticators: the credential id).
    pub fn primary_key(&'static self) -> Vec<&'static Column> {
        if !self.keys.primary.is_empty() {
            return self.named(self.keys.primary);
        }
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
    /// the user's email (both unless the model declares `exact_keys`), every `#[auth(unique)]`
    /// column and every struct-level `unique(...)`. The table's actual unique keys: what the
    /// DDL creates and the adapters enforce.
    pub fn unique_keys(&'static self) -> Vec<Key> {
        let primary = self.primary_key();
        let mut keys: Vec<Vec<&'static Column>> = Vec::new();
        if !self.keys.exact {
            keys.extend(self.derived_unique(&primary));
        }
        for column in self.columns.iter().filter(|c| c.unique) {
            keys.push(vec![column]);
        }
        keys.dedup();
        // The primary key constraint makes its columns unique already.
        if self.keys.primary_constraint {
            keys.retain(|k| *k != primary);
        }
        let keys = keys
            .into_iter()
            .map(|columns| self.key(columns, true))
            .collect();
        self.with_declared(keys, self.keys.unique, true)
    }

    /// Plain indexes: every column that references the user (the hot `user_id` lookups,
    /// unless the model declares `exact_keys`) and every `#[auth(index)]` column, unless a key
    /// already starts with it; then every struct-level `index(...)`. The table's actual
    /// indexes.
    pub fn indexes(&'static self) -> Vec<Key> {
        let mut covered: Vec<&'static Column> = Vec::new();
        if self.keys.primary_constraint {
            covered.extend(self.primary_key().into_iter().take(1));
        }
        covered.extend(
            self.unique_keys()
                .iter()
                .filter_map(|k| k.columns.first().copied()),
        );
        let exact = self.keys.exact;
        let keys = self
            .columns
            .iter()
            .filter(|c| c.indexed || (!exact && c.role.is_some_and(RoleField::references_user)))
            .filter(|c| exact || !covered.contains(c))
            .map(|c| self.key(vec![c], false))
            .collect();
        self.with_declared(keys, self.keys.indexes, false)
    }

    /// The column that is a foreign key to the user's primary key: the one that
    /// [references the user](Table::references_user), unless the model declares
    /// `no_foreign_key`.
    pub fn foreign_key(&'static self) -> Option<&'static Column> {
        self.references_user().filter(|_| self.keys.foreign_key)
    }

    /// The keys the table's role implies that the table lacks (a model with `exact_keys` or
    /// `no_foreign_key`), each with why the role wants it. Empty for a model that declares
    /// neither: it has every one.
    ///
    /// ```
    /// use authmodel::descriptor::RecommendationKind;
    /// use authmodel::{Model, models::Session};
    ///
    /// // The default models have every key their roles imply.
    /// assert!(Session::TABLE.recommended_keys().is_empty());
    /// # let _ = RecommendationKind::Index;
    /// ```
    pub fn recommended_keys(&'static self) -> Vec<Recommendation> {
        let primary = self.primary_key();
        let unique = self.unique_keys();
        let indexes = self.indexes();
        let mut out = Vec::new();
        for columns in self.derived_unique(&primary) {
            let has = (self.keys.primary_constraint && columns == primary)
                || unique.iter().any(|k| same_set(&k.columns, &columns));
            if !has {
                let reason = match self.role {
                    Role::User => {
                        "users are found by email on sign-in: without a unique key two users can \
                         share one address"
                    }
                    Role::Account => {
                        "accounts are found by (provider, providerAccountId) on sign-in: without \
                         a unique key one provider account can be linked twice"
                    }
                    Role::Session => "sessions are found by sessionToken on every request",
                    Role::VerificationToken => {
                        "tokens are used by (identifier, token): without a unique key one can be \
                         stored twice"
                    }
                    Role::Authenticator => "authenticators are found by credentialID on sign-in",
                };
                out.push(Recommendation {
                    kind: RecommendationKind::Unique,
                    key: self.key(columns, true),
                    reason,
                });
            }
        }
        if let Some(column) = self.references_user() {
            let starts = |k: &[&'static Column]| k.first().is_some_and(|c| c.name == column.name);
            let has = (self.keys.primary_constraint && starts(&primary))
                || unique.iter().any(|k| starts(&k.columns))
                || indexes.iter().any(|k| starts(&k.columns));
            if !has {
                let reason = match self.role {
                    Role::Account => {
                        "accounts are found by userId when a user is deleted or unlinked"
                    }
                    Role::Session => "sessions are found by userId when a user is deleted",
                    Role::Authenticator => {
                        "authenticators are listed by userId on every passkey sign-in"
                    }
                    Role::User | Role::VerificationToken => "rows are found by userId",
                };
                out.push(Recommendation {
                    kind: RecommendationKind::Index,
                    key: self.key(vec![column], false),
                    reason,
                });
            }
            if self.foreign_key().is_none() {
                out.push(Recommendation {
                    kind: RecommendationKind::ForeignKey,
                    key: Key {
                        name: format!("{}_{}_fkey", self.name, column.name),
                        columns: vec![column],
                        unique: false,
                    },
                    reason: "without a foreign key the database lets a row name a user that does \
                             not exist",
                });
            }
        }
        out
    }

    /// The unique keys the role implies: the natural key when it is not the primary key, and
    /// the user's email.
    fn derived_unique(&'static self, primary: &[&'static Column]) -> Vec<Vec<&'static Column>> {
        let mut keys = Vec::new();
        let natural = self.natural_key();
        if !natural.is_empty() && natural != primary {
            keys.push(natural);
        }
        // Without a primary key constraint the row's identity needs a unique key of its own.
        if !self.keys.primary_constraint && !primary.is_empty() {
            keys.push(primary.to_vec());
        }
        if let Some(email) = self.column(RoleField::UserEmail) {
            keys.push(vec![email]);
        }
        keys
    }

    /// `keys` with the struct's declared keys added: one on the same columns as a key already
    /// there gives it its name; any other is appended.
    fn with_declared(
        &'static self,
        mut keys: Vec<Key>,
        declared: &'static [DeclaredKey],
        unique: bool,
    ) -> Vec<Key> {
        for key in declared {
            let columns = self.named(key.columns);
            // A key naming a column the table lacks is no key (`ddl::plan` refuses it).
            if columns.is_empty() || columns.len() != key.columns.len() {
                continue;
            }
            let mut made = self.key(columns, unique);
            if let Some(name) = key.name {
                made.name = name.to_owned();
            }
            match keys.iter_mut().find(|k| k.columns == made.columns) {
                Some(existing) => existing.name = made.name,
                None => keys.push(made),
            }
        }
        keys
    }

    /// The columns named `names`, in that order; a name without a column is left out (the
    /// derive refuses one).
    fn named(&'static self, names: &[&str]) -> Vec<&'static Column> {
        names
            .iter()
            .filter_map(|name| self.columns.iter().find(|c| c.name == *name))
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

/// Whether two keys have the same columns, in any order.
fn same_set(a: &[&Column], b: &[&Column]) -> bool {
    a.len() == b.len() && a.iter().all(|c| b.iter().any(|d| d.name == c.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn with(column: Column, role: RoleField) -> Column {
        Column {
            role: Some(role),
            ..column
        }
    }

    static SESSION_COLUMNS: [Column; 4] = [
        with(
            Column::new("sessionToken", "session_token", ColumnType::Text),
            RoleField::SessionToken,
        ),
        with(
            Column::new("userId", "user_id", ColumnType::Uuid),
            RoleField::SessionUserId,
        ),
        with(
            Column::new("expires", "expires", ColumnType::Timestamp),
            RoleField::SessionExpires,
        ),
        Column::new("device", "device", ColumnType::Text),
    ];

    const fn session(keys: Keys) -> Table {
        Table {
            name: "Session",
            type_name: "Session",
            role: Role::Session,
            columns: &SESSION_COLUMNS,
            key_naming: KeyNaming::Postgres,
            keys,
        }
    }

    static DERIVED: Table = session(Keys::DERIVED);
    static NAMED: Table = session(Keys {
        indexes: &[DeclaredKey {
            name: Some("Session_userId_index"),
            columns: &["userId"],
        }],
        unique: &[DeclaredKey {
            name: None,
            columns: &["userId", "device"],
        }],
        ..Keys::DERIVED
    });
    static EXACT: Table = session(Keys {
        primary: &["userId", "sessionToken"],
        exact: true,
        foreign_key: false,
        ..Keys::DERIVED
    });

    fn names(keys: Vec<Key>) -> Vec<String> {
        keys.into_iter().map(|k| k.name).collect()
    }

    #[test]
    fn without_declared_keys_the_role_gives_them_all() {
        assert_eq!(DERIVED.primary_key()[0].name, "sessionToken");
        assert!(names(DERIVED.unique_keys()).is_empty());
        assert_eq!(names(DERIVED.indexes()), ["Session_userId_idx"]);
        assert!(DERIVED.foreign_key().is_some());
        assert!(DERIVED.recommended_keys().is_empty());
    }

    #[test]
    fn a_declared_key_on_a_derived_one_names_it_and_others_are_added() {
        assert_eq!(names(NAMED.indexes()), ["Session_userId_index"]);
        assert_eq!(names(NAMED.unique_keys()), ["Session_userId_device_key"]);
        assert!(NAMED.recommended_keys().is_empty());
    }

    #[test]
    fn exact_keys_are_the_declared_ones_and_the_rest_is_recommended() {
        let primary: Vec<&str> = EXACT.primary_key().iter().map(|c| c.name).collect();
        assert_eq!(primary, ["userId", "sessionToken"]);
        assert_eq!(EXACT.primary_key_name(), "Session_pkey");
        assert!(EXACT.unique_keys().is_empty());
        // The primary key starts with `userId`: it serves the lookup, no index is wanted.
        assert!(EXACT.indexes().is_empty());
        assert!(EXACT.foreign_key().is_none());
        assert!(
            EXACT.references_user().is_some(),
            "the contract still finds it"
        );
        let recommended: Vec<(RecommendationKind, String)> = EXACT
            .recommended_keys()
            .into_iter()
            .map(|r| (r.kind, r.key.name))
            .collect();
        assert_eq!(
            recommended,
            [
                (
                    RecommendationKind::Unique,
                    "Session_sessionToken_key".to_owned()
                ),
                (
                    RecommendationKind::ForeignKey,
                    "Session_userId_fkey".to_owned()
                ),
            ]
        );
    }
}
