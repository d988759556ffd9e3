//! Throttling of failed sign-ins, per account and per client address, kept in
//! the database so it holds across server instances. Each failure beyond a
//! free allowance doubles a delay before the next attempt is even checked;
//! the delay is capped, so an attacker can slow an account down but never
//! lock its owner out for good. A throttled attempt is refused without
//! looking at the password, so it reveals nothing; unknown logins are
//! counted exactly like known ones.

use std::net::IpAddr;

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    db::{entities::sign_in_throttle as row, now_millis},
    domain::Login,
    error::BackendError,
};

/// How fast failures of one kind of key slow things down.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Failures within the window that cost nothing.
    pub free_failures: i32,
    /// The delay after the first failure beyond the free ones; doubles with each next one.
    pub first_delay_ms: i64,
    pub max_delay_ms: i64,
    /// Failures older than this (with no delay running) are forgotten.
    pub window_ms: i64,
}

/// One account, from any number of addresses: a slow drip of guesses at most,
/// and its owner waits at most 5 minutes.
pub const PER_ACCOUNT: ThrottlePolicy =
    ThrottlePolicy { free_failures: 5, first_delay_ms: 2_000, max_delay_ms: 5 * 60_000, window_ms: 15 * 60_000 };

/// One address, against any number of accounts (password spraying). Offices
/// and mobile networks share addresses, hence the larger allowance.
pub const PER_CLIENT: ThrottlePolicy =
    ThrottlePolicy { free_failures: 30, first_delay_ms: 2_000, max_delay_ms: 15 * 60_000, window_ms: 60 * 60_000 };

impl ThrottlePolicy {
    /// The wait imposed after the `failures`-th failure.
    pub fn delay_after(&self, failures: i32) -> i64 {
        let beyond = failures - self.free_failures;
        if beyond <= 0 {
            return 0;
        }
        let doublings = Ord::min(beyond - 1, 30) as u32;
        Ord::min(self.first_delay_ms.saturating_mul(1i64 << doublings), self.max_delay_ms)
    }
}

/// What a sign-in attempt is counted against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptKeys {
    account: String,
    client: Option<String>,
}

impl AttemptKeys {
    /// The account key is the login as the person typed it, normalised the
    /// way logins are (an unknown or malformed login gets a key all the same).
    pub fn new(typed_login: &str, client: Option<IpAddr>) -> Self {
        let login = match Login::parse(typed_login) {
            Ok(login) => login.as_str().to_owned(),
            Err(_) => typed_login.trim().to_lowercase().chars().take(64).collect(),
        };
        AttemptKeys { account: format!("account:{login}"), client: client.map(|ip| format!("client:{ip}")) }
    }

    fn all(&self) -> impl Iterator<Item = (&str, &ThrottlePolicy)> {
        std::iter::once((self.account.as_str(), &PER_ACCOUNT))
            .chain(self.client.as_deref().map(|c| (c, &PER_CLIENT)))
    }
}

#[derive(Clone)]
pub struct SignInThrottle {
    db: DatabaseConnection,
}

impl SignInThrottle {
    pub fn new(db: DatabaseConnection) -> Self {
        SignInThrottle { db }
    }

    /// How long the attempt must wait, in milliseconds (0: go ahead).
    pub async fn wait_ms(&self, keys: &AttemptKeys) -> Result<i64, BackendError> {
        let now = now_millis();
        let ids: Vec<String> = keys.all().map(|(k, _)| k.to_owned()).collect();
        let rows = row::Entity::find().filter(row::Column::Key.is_in(ids)).all(&self.db).await?;
        Ok(rows.iter().map(|r| r.blocked_until - now).max().map_or(0, |wait| Ord::max(wait, 0)))
    }

    /// Counts a failure against every key and starts the delay it earns.
    pub async fn record_failure(&self, keys: &AttemptKeys) -> Result<(), BackendError> {
        let now = now_millis();
        for (key, policy) in keys.all() {
            row::Entity::insert(row::ActiveModel {
                key: Set(key.to_owned()),
                failures: Set(0),
                window_started_at: Set(now),
                blocked_until: Set(0),
            })
            .on_conflict_do_nothing_on([row::Column::Key])
            .exec(&self.db)
            .await?;
            // Forget an old window unless a delay is still running.
            row::Entity::update_many()
                .col_expr(row::Column::Failures, Expr::value(0))
                .col_expr(row::Column::WindowStartedAt, Expr::value(now))
                .filter(row::Column::Key.eq(key))
                .filter(row::Column::WindowStartedAt.lt(now - policy.window_ms))
                .filter(row::Column::BlockedUntil.lte(now))
                .exec(&self.db)
                .await?;
            // Atomic increment: concurrent failures on several instances all count.
            row::Entity::update_many()
                .col_expr(row::Column::Failures, ExprTrait::add(Expr::col(row::Column::Failures), 1))
                .filter(row::Column::Key.eq(key))
                .exec(&self.db)
                .await?;
            let Some(current) = row::Entity::find_by_id(key.to_owned()).one(&self.db).await? else {
                continue;
            };
            let delay = policy.delay_after(current.failures);
            if delay > 0 {
                row::Entity::update_many()
                    .col_expr(row::Column::BlockedUntil, Expr::value(now + delay))
                    .filter(row::Column::Key.eq(key))
                    .exec(&self.db)
                    .await?;
            }
        }
        Ok(())
    }

    /// A right password clears the account's count. The address's count
    /// stays: signing in to one's own account must not reset a spraying run.
    pub async fn record_success(&self, keys: &AttemptKeys) -> Result<(), BackendError> {
        row::Entity::delete_by_id(keys.account.clone()).exec(&self.db).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_starts_after_the_free_failures_doubles_and_is_capped() {
        let p = PER_ACCOUNT;
        assert_eq!((1..=5).map(|n| p.delay_after(n)).max(), Some(0));
        assert_eq!(p.delay_after(6), 2_000);
        assert_eq!(p.delay_after(7), 4_000);
        assert_eq!(p.delay_after(8), 8_000);
        assert_eq!(p.delay_after(30), 5 * 60_000);
        assert_eq!(p.delay_after(i32::MAX), 5 * 60_000, "never permanent, never overflows");
    }

    #[test]
    fn unknown_and_malformed_logins_get_keys_like_real_ones() {
        let a = AttemptKeys::new(" JKowalski ", Some("10.0.0.1".parse().unwrap()));
        assert_eq!(a.account, "account:jkowalski");
        assert_eq!(a.client.as_deref(), Some("client:10.0.0.1"));
        let b = AttemptKeys::new("Jan Kowalski!", None);
        assert_eq!(b.account, "account:jan kowalski!");
        assert_eq!(b.client, None);
        assert_eq!(AttemptKeys::new(&"x".repeat(500), None).account.len(), "account:".len() + 64);
    }
}
