//! Server-side sessions: a random 256-bit token in a cookie, only its hash
//! in the database, idle and absolute timeouts, a new token at every step up.

mod cookie_policy;
mod stage;
mod store;
mod token;

pub use cookie_policy::CookiePolicy;
pub use stage::{SessionState, Stage};
pub use store::{ActiveSession, SessionStore};
pub use token::SessionToken;
