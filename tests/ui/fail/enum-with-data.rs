use authmodel::AuthEnum;

#[derive(AuthEnum)]
pub enum Plan {
    Free,
    Paid(u32),
}

fn main() {}
