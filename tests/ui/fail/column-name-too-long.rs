use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(column = "a_column_name_that_goes_on_and_on_and_on_well_past_what_postgres_keeps")]
    pub nickname: Option<String>,
}

fn main() {}
