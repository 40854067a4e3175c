//! CSRF and sign-out for form posts, and cookies in responses.
//!
//! Entry points: [`CsrfToken`] (an extractor: the token to put in a form, and the cookie to
//! set with it; [`CsrfToken::verify`] checks a post), [`sign_out`] (checks the post's
//! `csrfToken`, deletes the session, clears its cookie), [`SignOutForm`] (the form's fields)
//! and [`SetCookies`] (any [`SetCookie`]s as response parts).
//!
//! The CSRF cookie is Auth.js's double-submit cookie (`authjs.csrf-token`, `token|hash`), so a
//! token issued by a Next.js app on the same site is accepted here, and the other way round.

use std::sync::Arc;

use authmodel::session::{Cookies, Csrf, Sessions, SetCookie};
use authmodel::{Adapter, Schema};
use axum::extract::FromRequestParts;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponseParts, ResponseParts};

use crate::error::AuthError;
use crate::layer::{AuthContext, request_cookies};

/// `Set-Cookie` headers as response parts: `(SetCookies(vec![cookie]), Redirect::to("/"))`.
#[derive(Debug, Clone, Default)]
pub struct SetCookies(pub Vec<SetCookie>);

impl IntoResponseParts for SetCookies {
    type Error = AuthError;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, AuthError> {
        for cookie in self.0 {
            let value = HeaderValue::try_from(cookie.to_string()).map_err(|_| {
                AuthError::Session(
                    authmodel::Error::InvalidInput(format!(
                        "the cookie `{}` is not a valid header value",
                        cookie.name
                    ))
                    .into(),
                )
            })?;
            res.headers_mut().append(SET_COOKIE, value);
        }
        Ok(res)
    }
}

/// The request's CSRF token, for a form's hidden `csrfToken` field. Return it among the
/// response parts (`(csrf, Html(page))`): when the request had no valid CSRF cookie, a new
/// token was made and its cookie is set then.
///
/// ```no_run
/// use authmodel_axum::CsrfToken;
/// use axum::response::{Html, IntoResponse};
///
/// async fn sign_out_page(csrf: CsrfToken) -> impl IntoResponse {
///     let form = format!(
///         r#"<form method="post" action="/signout">
///              <input type="hidden" name="csrfToken" value="{}"><button>Sign out</button>
///            </form>"#,
///         csrf.token()
///     );
///     (csrf, Html(form))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct CsrfToken {
    check: Csrf,
    cookies: Cookies,
    context: Arc<AuthContext>,
}

impl CsrfToken {
    /// The token forms post back as `csrfToken`.
    pub fn token(&self) -> &str {
        &self.check.token
    }

    /// Checks a form's `csrfToken` against the request's CSRF cookie, as Auth.js does.
    ///
    /// # Errors
    ///
    /// [`AuthError::Csrf`] (403) when the cookie is missing or forged, or the token differs.
    pub fn verify(&self, submitted: Option<&str>) -> Result<(), AuthError> {
        let check = Csrf::check(
            &self.context.policy,
            &self.context.secrets,
            &self.cookies,
            submitted,
        )?;
        if check.verified {
            Ok(())
        } else {
            Err(AuthError::Csrf)
        }
    }
}

impl<St: Send + Sync> FromRequestParts<St> for CsrfToken {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Self::Rejection> {
        let context = parts
            .extensions
            .get::<Arc<AuthContext>>()
            .cloned()
            .ok_or(AuthError::MissingLayer)?;
        let cookies = request_cookies(&parts.headers);
        let check = Csrf::check(&context.policy, &context.secrets, &cookies, None)?;
        Ok(CsrfToken {
            check,
            cookies,
            context,
        })
    }
}

impl IntoResponseParts for CsrfToken {
    type Error = AuthError;

    fn into_response_parts(self, res: ResponseParts) -> Result<ResponseParts, AuthError> {
        SetCookies(self.check.cookie.into_iter().collect()).into_response_parts(res)
    }
}

/// A sign-out form's fields: Auth.js's `csrfToken`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SignOutForm {
    /// The CSRF token the form carried.
    #[serde(rename = "csrfToken")]
    pub csrf_token: Option<String>,
}

/// Signs out as Auth.js's `POST /signout` does: checks the form's `csrfToken` against the
/// CSRF cookie, deletes the request's session (if any) and returns the cookie that clears
/// it, to send among the response parts.
///
/// ```no_run
/// # use std::sync::Arc;
/// # use authmodel::models::DefaultSchema;
/// # use authmodel::session::Sessions;
/// # use authmodel::MemoryAdapter;
/// use authmodel_axum::{AuthError, SignOutForm, sign_out};
/// use axum::extract::{Form, State};
/// use axum::http::HeaderMap;
/// use axum::response::{IntoResponse, Redirect};
///
/// type AppSessions = Arc<Sessions<DefaultSchema, MemoryAdapter<DefaultSchema>>>;
///
/// async fn post_sign_out(
///     State(sessions): State<AppSessions>,
///     headers: HeaderMap,
///     Form(form): Form<SignOutForm>,
/// ) -> Result<impl IntoResponse, AuthError> {
///     let cleared = sign_out(&sessions, &headers, form.csrf_token.as_deref()).await?;
///     Ok((cleared, Redirect::to("/")))
/// }
/// ```
///
/// # Errors
///
/// [`AuthError::Csrf`] (403) when the CSRF check fails (nothing is deleted then), or the
/// adapter's errors (500).
pub async fn sign_out<S: Schema, A: Adapter<S> + ?Sized>(
    sessions: &Sessions<S, A>,
    headers: &HeaderMap,
    csrf_token: Option<&str>,
) -> Result<SetCookies, AuthError> {
    let cookies = request_cookies(headers);
    let check = Csrf::check(sessions.policy(), sessions.secrets(), &cookies, csrf_token)?;
    if !check.verified {
        return Err(AuthError::Csrf);
    }
    let clear = match sessions.token_from_cookies(&cookies) {
        Some(token) => sessions.sign_out(&token).await?,
        None => sessions.clear_session_cookie(),
    };
    Ok(SetCookies(vec![clear]))
}
