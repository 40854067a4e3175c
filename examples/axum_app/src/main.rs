//! Runs the app from the environment: see README.md beside this file.

use std::error::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let config = axum_app::Config::from_env()?;
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let app_url = config.app_url.clone();
    let (router, _) = axum_app::build(config).await?;
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("listening on {bind}: open {app_url}");
    axum::serve(listener, router).await?;
    Ok(())
}
