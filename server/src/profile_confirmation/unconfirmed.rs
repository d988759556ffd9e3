//! A profile not confirmed within its period (DESIGN.md: 7 days;
//! `retention.unconfirmed_profile_days`) is removed, with everything that
//! references it. Run by `crate::retention` on every instance.
//!
//! One `DELETE … WHERE profile_confirmed = false AND created_at < cutoff`:
//! two instances running it at once remove each person once, and a profile
//! confirmed meanwhile no longer matches. The schema's `ON DELETE CASCADE`
//! takes the person's rows with it in that statement — sessions,
//! verification codes, contact changes, roles, insurance titles, benefits,
//! proxy grants, confirmation records — and a payer the person ran keeps
//! its row without an owner (`SET NULL`). Failed sign-ins counted against
//! the logins go too, in the same transaction, so someone who registers a
//! freed login starts clean.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::Query,
};

use crate::{
    db::entities::{person, sign_in_throttle},
    sign_in::throttle::AttemptKeys,
};

/// At most this many keys in one `IN (…)`, well under every backend's
/// limit of bound parameters.
const KEYS_PER_STATEMENT: usize = 500;

/// Removes the profiles still unconfirmed that were created before `cutoff`
/// (ms since the epoch); returns how many.
pub async fn remove_created_before(db: &DatabaseConnection, cutoff: i64) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    let delete = Query::delete()
        .from_table(person::Entity)
        .and_where(person::Column::ProfileConfirmed.eq(false))
        .and_where(person::Column::CreatedAt.lt(cutoff))
        .returning_col(person::Column::Login)
        .to_owned();
    let logins = txn
        .query_all(&delete)
        .await?
        .iter()
        .map(|row| row.try_get::<String>("", "login"))
        .collect::<Result<Vec<_>, _>>()?;
    for chunk in logins.chunks(KEYS_PER_STATEMENT) {
        let keys = chunk.iter().map(|login| AttemptKeys::new(login, None).account().to_owned());
        sign_in_throttle::Entity::delete_many().filter(sign_in_throttle::Column::Key.is_in(keys)).exec(&txn).await?;
    }
    txn.commit().await?;
    let removed = logins.len() as u64;
    if removed > 0 {
        tracing::info!(removed, "retention: profiles not confirmed in time removed");
    }
    Ok(removed)
}
