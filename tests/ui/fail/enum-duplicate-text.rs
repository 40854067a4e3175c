use authmodel::AuthEnum;

#[derive(AuthEnum)]
pub enum Plan {
    Free,
    #[auth(rename = "Free")]
    Trial,
}

fn main() {}
