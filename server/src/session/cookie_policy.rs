use cookie::{Cookie, SameSite};
use http::{HeaderMap, HeaderValue, header::COOKIE};

use super::SessionToken;

/// How the session cookie is named and flagged. Outside dev mode:
/// `__Host-ezus_session`, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain.
/// In dev mode over plain http the `__Host-` prefix and Secure are dropped
/// (browsers refuse them without https).
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    secure: bool,
    same_site: SameSite,
    /// `(with the prefix, without)`.
    names: (&'static str, &'static str),
}

impl CookiePolicy {
    /// The session's cookie.
    pub fn new(dev_mode: bool) -> Self {
        CookiePolicy { secure: !dev_mode, same_site: SameSite::Lax, names: ("__Host-ezus_session", "ezus_session") }
    }

    /// The cookie of a password reset in progress (no session yet): flagged
    /// like the session's.
    pub fn for_password_reset(dev_mode: bool) -> Self {
        CookiePolicy { secure: !dev_mode, same_site: SameSite::Lax, names: ("__Host-ezus_reset", "ezus_reset") }
    }

    /// The cookie of a registration in progress.
    pub fn for_registration(dev_mode: bool) -> Self {
        CookiePolicy { secure: !dev_mode, same_site: SameSite::Lax, names: ("__Host-ezus_registration", "ezus_registration") }
    }

    /// The cookie that ties a sign-in through login.gov.pl to the browser
    /// that began it. The node posts the answer back from its own site, and a
    /// Lax cookie is not sent with a cross-site POST: SameSite=None (which
    /// browsers take only with Secure). In dev mode over plain http, Lax:
    /// the simulator on 127.0.0.1 is the same site.
    pub fn for_national_node(dev_mode: bool) -> Self {
        let same_site = if dev_mode { SameSite::Lax } else { SameSite::None };
        CookiePolicy { secure: !dev_mode, same_site, names: ("__Host-ezus_node", "ezus_node") }
    }

    /// The cookie of a registration offered after login.gov.pl (the data
    /// the node vouched for, locked).
    pub fn for_node_identity(dev_mode: bool) -> Self {
        CookiePolicy { secure: !dev_mode, same_site: SameSite::Lax, names: ("__Host-ezus_node_identity", "ezus_node_identity") }
    }

    pub fn name(&self) -> &'static str {
        if self.secure { self.names.0 } else { self.names.1 }
    }

    fn base(&self, value: String) -> Cookie<'static> {
        Cookie::build((self.name(), value))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(self.same_site)
            .build()
    }

    /// A browser-session cookie (no Max-Age): closing the browser ends it;
    /// the server ends it anyway after the idle or absolute timeout.
    pub fn set(&self, token: &SessionToken) -> HeaderValue {
        HeaderValue::from_str(&self.base(token.as_str().to_owned()).to_string())
            .expect("a base64url token makes a valid header")
    }

    pub fn clear(&self) -> HeaderValue {
        let mut cookie = self.base(String::new());
        cookie.make_removal();
        HeaderValue::from_str(&cookie.to_string()).expect("a removal cookie makes a valid header")
    }

    /// The session token in the request's cookies, if it has one of ours.
    pub fn token(&self, headers: &HeaderMap) -> Option<SessionToken> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == self.name())
            .and_then(|c| SessionToken::parse(c.value()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_cookie_has_host_prefix_and_all_flags() {
        let policy = CookiePolicy::new(false);
        let token = SessionToken::generate().unwrap();
        let set = policy.set(&token);
        let set = set.to_str().unwrap();
        assert!(set.starts_with(&format!("__Host-ezus_session={}", token.as_str())));
        for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
            assert!(set.contains(flag), "{set} lacks {flag}");
        }
        assert!(!set.contains("Domain"), "{set}");
        assert!(!set.contains("Max-Age"), "{set}");
    }

    #[test]
    fn dev_cookie_drops_prefix_and_secure_only() {
        let policy = CookiePolicy::new(true);
        let set = policy.set(&SessionToken::generate().unwrap());
        let set = set.to_str().unwrap();
        assert!(set.starts_with("ezus_session="));
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"));
        assert!(!set.contains("Secure"));
    }

    #[test]
    fn reads_the_token_among_other_cookies_and_ignores_forgeries() {
        let policy = CookiePolicy::new(false);
        let token = SessionToken::generate().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, format!("a=b; __Host-ezus_session={}; c=d", token.as_str()).parse().unwrap());
        assert_eq!(policy.token(&headers), Some(token));
        headers.insert(COOKIE, "__Host-ezus_session=forged".parse().unwrap());
        assert_eq!(policy.token(&headers), None);
        headers.insert(COOKIE, "ezus_session=x".parse().unwrap());
        assert_eq!(policy.token(&headers), None);
    }

    #[test]
    fn the_node_cookie_survives_the_cross_site_post_back_only_over_https() {
        let set = CookiePolicy::for_national_node(false).set(&SessionToken::generate().unwrap());
        let set = set.to_str().unwrap();
        assert!(set.starts_with("__Host-ezus_node=") && set.contains("SameSite=None") && set.contains("Secure"), "{set}");
        let dev = CookiePolicy::for_national_node(true).set(&SessionToken::generate().unwrap());
        assert!(dev.to_str().unwrap().contains("SameSite=Lax"));
    }

    #[test]
    fn clearing_expires_the_cookie() {
        let clear = CookiePolicy::new(false).clear();
        let clear = clear.to_str().unwrap();
        assert!(clear.starts_with("__Host-ezus_session=;"), "{clear}");
        assert!(clear.contains("Max-Age=0"), "{clear}");
    }
}
