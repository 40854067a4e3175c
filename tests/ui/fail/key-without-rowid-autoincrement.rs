use authmodel::AuthModel;

// SQLite numbers rows only in tables with a rowid: an autoincremented id needs one.
#[derive(Clone, AuthModel)]
#[auth(role = "user", without_rowid)]
pub struct Member {
    #[auth(id = "autoincrement")]
    pub id: i64,
    pub email: String,
}

fn main() {}
