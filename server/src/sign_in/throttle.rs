//! Throttling of failed sign-ins, per account and per client address, kept in
//! the database so it holds across server instances. Each failure beyond a
//! free allowance doubles a delay before the next attempt is even checked;
//! the delay is capped, so an attacker can slow an account down but never
//! lock its owner out for good. A throttled attempt is refused without
//! looking at the password, so it reveals nothing; unknown logins are
//! counted exactly like known ones.

use std::net::IpAddr;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait,
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

/// Typed text as part of a key (a login that is none, a PESEL, a form's
/// target): trimmed, lower-case, at most 64 characters, and without control
/// characters — PostgreSQL refuses NUL in text, which would otherwise make
/// every such attempt a database error (503) instead of a counted one.
pub fn key_text(typed: &str) -> String {
    typed.trim().to_lowercase().chars().filter(|c| !c.is_control()).take(64).collect()
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
            Err(_) => key_text(typed_login),
        };
        AttemptKeys { account: format!("account:{login}"), client: client.map(|ip| format!("client:{}", client_key(ip))) }
    }

    /// For a recovery form: its target (a PESEL, a login) under the form's
    /// own name, counted like an account; the client address shared with
    /// every other form.
    pub fn for_target(form: &str, target: &str, client: Option<IpAddr>) -> Self {
        let target = key_text(target);
        AttemptKeys { account: format!("{form}:{target}"), client: client.map(|ip| format!("client:{}", client_key(ip))) }
    }

    /// The key of the account's row (`account:<login>`).
    pub fn account(&self) -> &str {
        &self.account
    }

    fn all(&self) -> impl Iterator<Item = (&str, &ThrottlePolicy)> {
        std::iter::once((self.account.as_str(), &PER_ACCOUNT))
            .chain(self.client.as_deref().map(|c| (c, &PER_CLIENT)))
    }
}

/// An attempt that was let through. It is already counted as a failure —
/// reserved before the password is checked, in one conditional update, so a
/// burst of parallel attempts cannot all pass before the first is counted.
/// Settle it: [`SignInThrottle::succeeded`], [`SignInThrottle::failed`] or
/// [`SignInThrottle::release`].
#[must_use = "a reservation must be settled"]
#[derive(Debug)]
pub struct Reserved {
    keys: AttemptKeys,
}

/// Whether an attempt may be checked.
#[derive(Debug)]
pub enum Admission {
    Granted(Reserved),
    /// A delay is running: come back after this many milliseconds. Nothing was counted.
    Wait { wait_ms: i64 },
}

/// `CASE` over a failure count: when the next attempt may be checked.
/// Within the free allowance that is `free` (no delay of its own); beyond
/// it, `now` plus the delay the policy imposes after that count.
fn blocked_until_expr(policy: &ThrottlePolicy, count: Expr, now: i64, free: Expr) -> Expr {
    let mut case = Expr::case(count.clone().lte(policy.free_failures), free);
    let mut n = policy.free_failures + 1;
    while policy.delay_after(n) < policy.max_delay_ms {
        case = case.case(count.clone().eq(n), now + policy.delay_after(n));
        n += 1;
    }
    case.finally(now + policy.max_delay_ms).into()
}

/// An IPv4 address counts alone; an IPv6 address by its /64, the block one
/// subscriber usually holds (and can hop around in at will).
fn client_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("{}/64", std::net::Ipv6Addr::from(u128::from(v6) & !(u128::from(u64::MAX)))),
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

    /// Lets the attempt through and counts it against every key, or says
    /// how long to wait. Per key, one conditional UPDATE both checks that no
    /// delay is running and counts the attempt (starting the delay the new
    /// count earns), so parallel requests on any number of instances get
    /// at most the free allowance plus one checks before the delay holds.
    /// Every key in one transaction (one synced commit): refused at any key,
    /// the keys counted before it are rolled back with it. The keys come in
    /// one order (account, then address) and the first statement writes, so
    /// two reservations never wait on each other in a circle, and SQLite
    /// never has to upgrade a read to a write.
    pub async fn reserve(&self, keys: &AttemptKeys) -> Result<Admission, BackendError> {
        let now = now_millis();
        let txn = self.db.begin().await?;
        for (key, policy) in keys.all() {
            row::Entity::insert(row::ActiveModel {
                key: Set(key.to_owned()),
                failures: Set(0),
                window_started_at: Set(now),
                blocked_until: Set(0),
            })
            .on_conflict_do_nothing_on([row::Column::Key])
            .exec(&txn)
            .await?;
            // Forget an old window unless a delay is still running.
            row::Entity::update_many()
                .col_expr(row::Column::Failures, Expr::value(0))
                .col_expr(row::Column::WindowStartedAt, Expr::value(now))
                .filter(row::Column::Key.eq(key))
                .filter(row::Column::WindowStartedAt.lt(now - policy.window_ms))
                .filter(row::Column::BlockedUntil.lte(now))
                .exec(&txn)
                .await?;
            let next = ExprTrait::add(Expr::col(row::Column::Failures), 1);
            let granted = row::Entity::update_many()
                .col_expr(row::Column::Failures, next.clone())
                .col_expr(row::Column::BlockedUntil, blocked_until_expr(policy, next, now, Expr::col(row::Column::BlockedUntil)))
                .filter(row::Column::Key.eq(key))
                .filter(row::Column::BlockedUntil.lte(now))
                .exec(&txn)
                .await?;
            if granted.rows_affected == 0 {
                let blocked_until = row::Entity::find_by_id(key.to_owned()).one(&txn).await?.map_or(now, |r| r.blocked_until);
                txn.rollback().await?;
                // "account", "client", or the recovery form's name.
                crate::metrics::throttled(key.split(':').next().unwrap_or("other"));
                return Ok(Admission::Wait { wait_ms: Ord::max(blocked_until - now, 1) });
            }
        }
        txn.commit().await?;
        Ok(Admission::Granted(Reserved { keys: keys.clone() }))
    }

    /// The attempt failed: it stays counted, with the delay it earned.
    pub fn failed(&self, reserved: Reserved) {
        drop(reserved);
    }

    /// A right password (or code) clears the account's count. The
    /// address's count loses just this attempt: signing in to one's own
    /// account must not reset a spraying run.
    pub async fn succeeded(&self, reserved: Reserved) -> Result<(), BackendError> {
        let txn = self.db.begin().await?;
        row::Entity::delete_by_id(reserved.keys.account.clone()).exec(&txn).await?;
        if let Some(client) = reserved.keys.client.as_deref() {
            uncount(&txn, client, &PER_CLIENT).await?;
        }
        Ok(txn.commit().await?)
    }

    /// The attempt was never judged (the service failed or was overloaded):
    /// it is not counted.
    pub async fn release(&self, reserved: Reserved) -> Result<(), BackendError> {
        let txn = self.db.begin().await?;
        for (key, policy) in reserved.keys.all() {
            uncount(&txn, key, policy).await?;
        }
        Ok(txn.commit().await?)
    }
}

/// Takes one attempt back: one failure fewer, and the delay no longer
/// than that count earns from now (none within the free allowance).
async fn uncount(db: &impl ConnectionTrait, key: &str, policy: &ThrottlePolicy) -> Result<(), BackendError> {
    let now = now_millis();
    let fewer = Expr::col(row::Column::Failures).sub(1);
    let until = blocked_until_expr(policy, fewer.clone(), now, Expr::value(0i64));
    row::Entity::update_many()
        .col_expr(row::Column::Failures, fewer)
        .col_expr(
            row::Column::BlockedUntil,
            Expr::case(Expr::col(row::Column::BlockedUntil).lt(until.clone()), Expr::col(row::Column::BlockedUntil))
                .finally(until)
                .into(),
        )
        .filter(row::Column::Key.eq(key))
        .filter(row::Column::Failures.gt(0))
        .exec(db)
        .await?;
    Ok(())
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

    #[test]
    fn ipv6_addresses_count_by_their_64_block() {
        let key = |ip: &str| AttemptKeys::new("jan", Some(ip.parse().unwrap())).client.unwrap();
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "client:2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), key("2001:db8:1:2::1"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("::ffff:192.0.2.1"), "client:192.0.2.1");
    }
}
