//! Sign-in with GitHub: the authorization-code flow with PKCE and `state` (the `oauth2`
//! crate), the user's profile, and what authmodel stores from them.
//!
//! Entry points: [`GitHub`] ([`GitHub::authorize`], [`GitHub::exchange`]) and [`Endpoints`].

use authmodel::accounts::{self, Link};
use authmodel::session::Profile;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenUrl,
};
use serde::Deserialize;

/// Where GitHub's endpoints are: GitHub's own by default; a test points them at a fake.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// The authorization page (`https://github.com/login/oauth/authorize`).
    pub authorize: String,
    /// The token endpoint (`https://github.com/login/oauth/access_token`).
    pub token: String,
    /// The user's profile (`https://api.github.com/user`).
    pub user: String,
    /// The user's addresses, asked when the profile's email is private
    /// (`https://api.github.com/user/emails`).
    pub emails: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            authorize: "https://github.com/login/oauth/authorize".into(),
            token: "https://github.com/login/oauth/access_token".into(),
            user: "https://api.github.com/user".into(),
            emails: "https://api.github.com/user/emails".into(),
        }
    }
}

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// The GitHub OAuth client of the app.
#[derive(Debug, Clone)]
pub struct GitHub {
    client: Client,
    http: reqwest::Client,
    endpoints: Endpoints,
}

/// A started sign-in: where to send the browser, and the two values the callback checks.
#[derive(Debug)]
pub struct Authorization {
    /// The provider's authorization URL.
    pub url: String,
    /// The `state` sent along, which the callback must get back.
    pub state: String,
    /// The PKCE verifier of the challenge sent along.
    pub pkce_verifier: String,
}

/// What went wrong talking to GitHub.
#[derive(Debug)]
pub struct ProviderError(pub String);

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProviderError {}

fn fail(what: &str) -> impl Fn(&dyn std::fmt::Display) -> ProviderError + '_ {
    move |e| ProviderError(format!("{what}: {e}"))
}

#[derive(Deserialize)]
struct GitHubUser {
    id: serde_json::Value,
    login: Option<String>,
    name: Option<String>,
    email: Option<String>,
    avatar_url: Option<String>,
}

#[derive(Deserialize)]
struct GitHubEmail {
    email: String,
    #[serde(default)]
    primary: bool,
}

impl GitHub {
    /// A client with the app's id and secret; `redirect` is the app's callback URL.
    ///
    /// # Errors
    ///
    /// When an endpoint or `redirect` is not a URL.
    pub fn new(
        client_id: &str,
        client_secret: &str,
        redirect: &str,
        endpoints: Endpoints,
    ) -> Result<GitHub, ProviderError> {
        let url = |what: &str, url: &str| oauth2::url::Url::parse(url).map_err(|e| fail(what)(&e));
        let client = BasicClient::new(ClientId::new(client_id.to_owned()))
            .set_client_secret(ClientSecret::new(client_secret.to_owned()))
            .set_auth_uri(AuthUrl::from_url(url(
                "authorize URL",
                &endpoints.authorize,
            )?))
            .set_token_uri(TokenUrl::from_url(url("token URL", &endpoints.token)?))
            .set_redirect_uri(RedirectUrl::from_url(url("redirect URL", redirect)?));
        // No redirects: the token endpoint must answer itself (oauth2's advice, against SSRF).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("authmodel-axum-app")
            .build()
            .map_err(|e| fail("HTTP client")(&e))?;
        Ok(GitHub {
            client,
            http,
            endpoints,
        })
    }

    /// Starts a sign-in: a random `state` and a PKCE (S256) challenge, scopes `read:user`
    /// and `user:email`.
    pub fn authorize(&self) -> Authorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .client
            .authorize_url(CsrfToken::new_random)
            .add_scope(Scope::new("read:user".into()))
            .add_scope(Scope::new("user:email".into()))
            .set_pkce_challenge(challenge)
            .url();
        Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        }
    }

    /// Exchanges the callback's code (with the PKCE verifier) for tokens, reads the
    /// profile, and shapes the account as Auth.js v5 stores it.
    ///
    /// # Errors
    ///
    /// When GitHub refuses the code, answers something else than expected, or the user has
    /// no email address.
    pub async fn exchange<A: authmodel::traits::AccountModel>(
        &self,
        code: String,
        pkce_verifier: String,
    ) -> Result<(A, Profile), ProviderError> {
        let tokens = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| fail("token exchange")(&e))?;
        let access_token = oauth2::TokenResponse::access_token(&tokens)
            .secret()
            .clone();
        let user: GitHubUser = self.get(&self.endpoints.user, &access_token).await?;
        let email = match user.email {
            Some(email) => email,
            None => {
                // Auth.js's GitHub provider: the primary address, else the first.
                let emails: Vec<GitHubEmail> =
                    self.get(&self.endpoints.emails, &access_token).await?;
                let primary = emails.iter().position(|e| e.primary).unwrap_or(0);
                emails
                    .into_iter()
                    .nth(primary)
                    .map(|e| e.email)
                    .ok_or_else(|| ProviderError("the GitHub user has no email address".into()))?
            }
        };
        let id = match &user.id {
            serde_json::Value::String(id) => id.clone(),
            serde_json::Value::Number(id) => id.to_string(),
            other => return Err(ProviderError(format!("a GitHub user id of {other}"))),
        };
        let response = serde_json::to_value(&tokens).map_err(|e| fail("token response")(&e))?;
        let link = Link {
            user_id: None,
            kind: "oauth",
            provider: "github",
            provider_account_id: &id,
        };
        let account = accounts::from_token_response(link, response, chrono_now())
            .map_err(|e| fail("account")(&e))?;
        let profile = Profile {
            email: Some(email),
            name: user.name.or(user.login),
            image: user.avatar_url,
        };
        Ok((account, profile))
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        access_token: &str,
    ) -> Result<T, ProviderError> {
        let response = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .header("accept", "application/vnd.github+json")
            .send()
            .await
            .map_err(|e| fail(url)(&e))?;
        if !response.status().is_success() {
            return Err(ProviderError(format!("{url}: {}", response.status())));
        }
        let body = response.bytes().await.map_err(|e| fail(url)(&e))?;
        serde_json::from_slice(&body).map_err(|e| fail(url)(&e))
    }
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
