//! The limits on sending codes (DESIGN.md, "Numbers"), checked and counted
//! in the transaction that issues the code, so that racing requests — on one
//! instance or many — cannot get past them:
//!
//! - per person and purpose: no new code within 30 s of the last (unless it
//!   was used), at most 5 an hour;
//! - per SMS number, whoever causes the messages: at most
//!   `sms.per_number_hourly_limit` an hour and `sms.per_number_daily_limit`
//!   a day (SMS pumping).
//!
//! How: the transaction first upserts a row of `send_locks` for each limit
//! it is counted against ([`lock`]), which locks it until commit — a row
//! lock on PostgreSQL (a second upsert of the row waits, then reads what the
//! first committed), the database's write lock on SQLite (a write
//! transaction at a time). Only then does it count the codes and the
//! messages already there ([`person_wait`], [`number_wait`]) and, if nothing
//! stops it, store the code and its message before it commits. Locks are
//! always taken in the same order (person, then number): no deadlock.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::OnConflict,
};

use crate::{
    config::SmsSettings,
    db::entities::{outbox, send_lock, verification_code as code_row},
    domain::CountryCodes,
    notifications::Channel,
    step_up::codes::MAX_WRONG_TRIES,
};

/// No new code sooner than this after the last one (unless it was used).
pub const RESEND_AFTER_MS: i64 = 30_000;
/// At most this many codes of one purpose an hour, per person.
pub const MAX_CODES_PER_HOUR: usize = 5;
pub const HOUR_MS: i64 = 60 * 60_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// Which limit stopped a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendLimit {
    /// The last code of the purpose is younger than 30 s, unused and alive.
    Pause,
    /// Five codes of the purpose this hour.
    Hourly,
    /// The SMS number has had its messages for the hour or the day.
    Number,
}

/// How long until a code may be sent, and which limit says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub ms: i64,
    pub limit: SendLimit,
}

impl Wait {
    pub fn secs(self) -> u64 {
        (self.ms.max(0) as u64).div_ceil(1000)
    }

    /// The longer of two waits.
    pub fn longest(a: Option<Wait>, b: Option<Wait>) -> Option<Wait> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.ms > a.ms { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}

/// Where SMS may go and how many one number may receive (`[sms]`).
#[derive(Debug, Clone)]
pub struct SmsPolicy {
    pub countries: CountryCodes,
    pub per_hour: usize,
    pub per_day: usize,
}

impl SmsPolicy {
    pub fn from_settings(settings: &SmsSettings) -> Self {
        SmsPolicy {
            countries: settings.allowed_country_codes.clone(),
            per_hour: settings.per_number_hourly_limit as usize,
            per_day: settings.per_number_daily_limit as usize,
        }
    }
}

impl Default for SmsPolicy {
    fn default() -> Self {
        Self::from_settings(&SmsSettings::default())
    }
}

pub fn person_key(person_id: i32, purpose: &str) -> String {
    format!("person:{person_id}:{purpose}")
}

pub fn number_key(number: &str) -> String {
    format!("sms:{number}")
}

/// Locks the limit's row until the transaction `conn` ends (creating it if
/// need be): one statement that writes on both databases.
pub async fn lock<C: ConnectionTrait>(conn: &C, key: &str, now: i64) -> Result<(), DbErr> {
    send_lock::Entity::insert(send_lock::ActiveModel { key: Set(key.to_owned()), touched_at: Set(now) })
        .on_conflict(OnConflict::column(send_lock::Column::Key).update_column(send_lock::Column::TouchedAt).to_owned())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// What the person's codes of the purpose from the last hour impose.
pub async fn person_wait<C: ConnectionTrait>(conn: &C, person_id: i32, purpose: &str, now: i64) -> Result<Option<Wait>, DbErr> {
    let recent: Vec<(i64, Option<i64>, i32)> = code_row::Entity::find()
        .select_only()
        .column(code_row::Column::CreatedAt)
        .column(code_row::Column::ConsumedAt)
        .column(code_row::Column::FailedAttempts)
        .filter(code_row::Column::PersonId.eq(person_id))
        .filter(code_row::Column::Purpose.eq(purpose))
        .filter(code_row::Column::CreatedAt.gt(now - HOUR_MS))
        .order_by_asc(code_row::Column::CreatedAt)
        .into_tuple()
        .all(conn)
        .await?;
    // The 30-second pause protects a code still on its way. Once the last
    // code was used, or typed wrong until it died, it has arrived: a new
    // one may go at once (the hourly limit still counts it).
    let pause = recent
        .last()
        .filter(|(_, consumed, failed)| consumed.is_none() && *failed < MAX_WRONG_TRIES)
        .map(|(created, _, _)| Wait { ms: created + RESEND_AFTER_MS - now, limit: SendLimit::Pause });
    let times: Vec<i64> = recent.iter().map(|(created, _, _)| *created).collect();
    let hourly = Wait { ms: window_wait(&times, MAX_CODES_PER_HOUR, HOUR_MS, now), limit: SendLimit::Hourly };
    Ok(Wait::longest(pause, Some(hourly)).filter(|w| w.ms > 0))
}

/// What the SMS already sent to the number in the last day impose, whoever
/// caused them.
pub async fn number_wait<C: ConnectionTrait>(conn: &C, number: &str, policy: &SmsPolicy, now: i64) -> Result<Option<Wait>, DbErr> {
    let day: Vec<i64> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::CreatedAt)
        .filter(outbox::Column::Recipient.eq(number))
        .filter(outbox::Column::Channel.eq(Channel::Sms.as_str()))
        .filter(outbox::Column::CreatedAt.gt(now - DAY_MS))
        .order_by_asc(outbox::Column::CreatedAt)
        .into_tuple()
        .all(conn)
        .await?;
    let hour: Vec<i64> = day.iter().copied().filter(|&t| t > now - HOUR_MS).collect();
    let ms = Ord::max(window_wait(&hour, policy.per_hour, HOUR_MS, now), window_wait(&day, policy.per_day, DAY_MS, now));
    Ok((ms > 0).then_some(Wait { ms, limit: SendLimit::Number }))
}

/// With `times` (ascending) inside a sliding window: how long until fewer
/// than `max` of them are, so that one more fits (0: now).
fn window_wait(times: &[i64], max: usize, window_ms: i64, now: i64) -> i64 {
    if max == 0 {
        return window_ms;
    }
    if times.len() < max {
        return 0;
    }
    // The oldest send that must leave the window for one more to fit.
    let leaving = times[times.len() - max];
    Ord::max(leaving + window_ms - now, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_has_room_until_it_holds_max() {
        let now = 10 * HOUR_MS;
        assert_eq!(window_wait(&[], 5, HOUR_MS, now), 0);
        let four: Vec<i64> = (1..=4).map(|m| now - m * 60_000).rev().collect();
        assert_eq!(window_wait(&four, 5, HOUR_MS, now), 0);
        let mut five = four.clone();
        five.push(now - 1000);
        // The oldest of the five, 4 minutes old, leaves in 56 minutes.
        assert_eq!(window_wait(&five, 5, HOUR_MS, now), 56 * 60_000);
        let mut seven = vec![now - 59 * 60_000, now - 58 * 60_000];
        seven.extend(&five);
        assert_eq!(window_wait(&seven, 5, HOUR_MS, now), 56 * 60_000, "the 3rd of 7 must leave");
    }

    #[test]
    fn the_longer_wait_wins() {
        let pause = Some(Wait { ms: 20_000, limit: SendLimit::Pause });
        let hourly = Some(Wait { ms: 600_000, limit: SendLimit::Hourly });
        assert_eq!(Wait::longest(pause, hourly), hourly);
        assert_eq!(Wait::longest(hourly, pause), hourly);
        assert_eq!(Wait::longest(None, pause), pause);
        assert_eq!(Wait { ms: 1, limit: SendLimit::Number }.secs(), 1);
        assert_eq!(Wait { ms: 30_000, limit: SendLimit::Pause }.secs(), 30);
    }

    #[test]
    fn lock_keys_never_collide() {
        assert_ne!(person_key(1, "sign_in"), person_key(1, "contact_change"));
        assert_eq!(number_key("+48600100200"), "sms:+48600100200");
    }
}
