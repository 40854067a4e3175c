use authmodel::AuthModel;

// `without_rowid` stores the table in its primary key, and `no_primary_key` says it has none.
#[derive(Clone, AuthModel)]
#[auth(role = "verification_token", no_primary_key, without_rowid)]
pub struct Token {
    pub identifier: String,
    pub token: String,
    pub expires: chrono::DateTime<chrono::Utc>,
}

fn main() {}
