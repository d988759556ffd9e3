//! Server-side sessions: a random 256-bit token in a cookie, only its hash
//! in the database, idle and absolute timeouts, a new token at every step
//! up, and the gate that every service asks for the session of a request.

mod cookie_policy;
mod gate;
mod stage;
mod store;
mod token;

pub use cookie_policy::CookiePolicy;
pub use gate::{Gated, SessionGate, unavailable};
pub use stage::{SessionState, Stage};
pub use store::{ActiveSession, NodeSession, SessionStore};
pub use token::SessionToken;
