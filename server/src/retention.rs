//! Deletes what is finished once its retention period (`[retention]`) is
//! over: old sign-in throttle rows and send locks, used / expired / replaced
//! verification codes, applied or expired contact changes, delivered or
//! expired messages, and profiles not confirmed in time (with their rows).
//! Each rule is one `DELETE … WHERE <time condition>`:
//! idempotent, so every instance may run it at any time, and a row still in
//! use never matches.

use std::time::Duration;

use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use tokio::task::JoinHandle;

use crate::{
    config::RetentionSettings,
    profile_confirmation::unconfirmed,
    db::{
        entities::{audit_event, contact_change, outbox, password_reset, send_lock, sign_in_throttle, verification_code},
        now_millis,
    },
    sign_in::throttle::{PER_ACCOUNT, PER_CLIENT},
    step_up::codes::CODE_TTL_MS,
};

const HOUR_MS: i64 = 60 * 60_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// How many rows one run removed, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub sign_in_throttle: u64,
    pub send_locks: u64,
    pub verification_codes: u64,
    pub contact_changes: u64,
    pub outbox: u64,
    /// Profiles never confirmed (each with its sessions, codes and the rest).
    pub unconfirmed_profiles: u64,
    /// Password resets finished or expired (kept as long as codes).
    pub password_resets: u64,
    /// login.gov.pl requests, used artifacts and assertions, and vouched
    /// identities, once they could no longer be used (their own expiry).
    pub national_node: u64,
    /// Audit events older than `audit_days`.
    pub audit_events: u64,
}

impl Removed {
    pub fn total(&self) -> u64 {
        self.sign_in_throttle
            + self.send_locks
            + self.verification_codes
            + self.contact_changes
            + self.outbox
            + self.unconfirmed_profiles
            + self.password_resets
            + self.national_node
            + self.audit_events
    }
}

#[derive(Clone)]
pub struct Retention {
    db: DatabaseConnection,
    settings: RetentionSettings,
}

impl Retention {
    pub fn new(db: DatabaseConnection, settings: &RetentionSettings) -> Self {
        Retention { db, settings: settings.clone() }
    }

    /// One clean-up, now.
    pub async fn run_once(&self) -> Result<Removed, DbErr> {
        self.run_at(now_millis()).await
    }

    /// One clean-up as if the time were `now` (ms since the epoch).
    pub async fn run_at(&self, now: i64) -> Result<Removed, DbErr> {
        let s = &self.settings;
        let hours = |h: u64| (h as i64).saturating_mul(HOUR_MS);
        let days = |d: u64| (d as i64).saturating_mul(DAY_MS);

        // Throttle rows: the window has ended and no delay is running, and
        // both have been over for the retention period.
        let throttle_cutoff = now - hours(s.throttle_hours);
        let longest_window = Ord::max(PER_ACCOUNT.window_ms, PER_CLIENT.window_ms);
        let sign_in_throttle = sign_in_throttle::Entity::delete_many()
            .filter(sign_in_throttle::Column::WindowStartedAt.lt(throttle_cutoff - longest_window))
            .filter(sign_in_throttle::Column::BlockedUntil.lt(throttle_cutoff))
            .exec(&self.db)
            .await?
            .rows_affected;

        // Send locks hold no count; an old one is only clutter.
        let send_locks = send_lock::Entity::delete_many()
            .filter(send_lock::Column::TouchedAt.lt(throttle_cutoff))
            .exec(&self.db)
            .await?
            .rows_affected;

        // Codes: used, replaced or expired (a live code is never old enough
        // anyway: codes live 10 minutes, the period is at least an hour).
        let verification_codes = verification_code::Entity::delete_many()
            .filter(verification_code::Column::CreatedAt.lt(now - hours(s.verification_codes_hours)))
            .filter(
                Condition::any()
                    .add(verification_code::Column::ConsumedAt.is_not_null())
                    .add(verification_code::Column::SupersededAt.is_not_null())
                    .add(verification_code::Column::ExpiresAt.lte(now)),
            )
            .exec(&self.db)
            .await?
            .rows_affected;

        // Contact changes: applied, or past the code that could confirm them.
        let contact_changes = contact_change::Entity::delete_many()
            .filter(contact_change::Column::CreatedAt.lt(now - days(s.contact_changes_days)))
            .filter(
                Condition::any()
                    .add(contact_change::Column::AppliedAt.is_not_null())
                    .add(contact_change::Column::CreatedAt.lte(now - CODE_TTL_MS)),
            )
            .exec(&self.db)
            .await?
            .rows_affected;

        // Messages: delivered or given up. One still waiting for its
        // gateway is never deleted, however old.
        let outbox_cutoff = now - days(s.outbox_days);
        let outbox = outbox::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(outbox::Column::SentAt.lt(outbox_cutoff))
                    .add(outbox::Column::ExpiredAt.lt(outbox_cutoff)),
            )
            .exec(&self.db)
            .await?
            .rows_affected;

        // Profiles not confirmed within their period (DESIGN.md: 7 days),
        // with everything that references them.
        let unconfirmed_profiles = unconfirmed::remove_created_before(&self.db, now - days(s.unconfirmed_profile_days)).await?;

        // Password resets: expired (a finished one expires too) for as long as codes are kept.
        let password_resets = password_reset::Entity::delete_many()
            .filter(password_reset::Column::ExpiresAt.lt(now - hours(s.verification_codes_hours)))
            .exec(&self.db)
            .await?
            .rows_affected;

        // Nothing of these is needed past its own expiry: a replayed artifact
        // or assertion is refused by the node's own times by then.
        let national_node = crate::national_node::store::remove_expired(&self.db, now).await?;

        let audit_events = audit_event::Entity::delete_many()
            .filter(audit_event::Column::At.lt(now - days(s.audit_days)))
            .exec(&self.db)
            .await?
            .rows_affected;

        Ok(Removed {
            sign_in_throttle,
            send_locks,
            verification_codes,
            contact_changes,
            outbox,
            unconfirmed_profiles,
            password_resets,
            national_node,
            audit_events,
        })
    }

    /// Runs at start-up and then every `interval_minutes` until aborted.
    pub fn spawn(self) -> JoinHandle<()> {
        tokio::spawn(async move {
            let every = Duration::from_secs(self.settings.interval_minutes.saturating_mul(60).max(60));
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                match self.run_once().await {
                    Ok(removed) if removed.total() == 0 => {}
                    Ok(removed) => tracing::info!(?removed, "retention: finished rows deleted"),
                    Err(e) => tracing::warn!(error = %e, "retention run failed; trying again at the next interval"),
                }
            }
        })
    }
}
