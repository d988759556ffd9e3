//! The rows of resets in progress (`password_resets`): made, found by their
//! cookie, and moved on by conditional updates (racing requests move a
//! reset once).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    db::{entities::password_reset as row, now_millis},
    session::SessionToken,
    step_up::{codes::MAX_WRONG_TRIES, purpose::PASSWORD_RESET_TTL_MS},
};

/// The pause between two codes of one reset.
pub const RESEND_AFTER_MS: i64 = crate::step_up::send_limits::RESEND_AFTER_MS;

pub async fn create(db: &DatabaseConnection, token: &SessionToken, person_id: Option<i32>, login: &str) -> Result<(), DbErr> {
    let now = now_millis();
    row::ActiveModel {
        token_hash: Set(token.hash()),
        person_id: Set(person_id),
        login: Set(login.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + PASSWORD_RESET_TTL_MS),
        code_sent_at: Set(now),
        failed_attempts: Set(0),
        code_verified_at: Set(None),
        finished_at: Set(None),
    }
    .insert(db)
    .await
    .map(drop)
}

/// The reset of this cookie, if it is alive (not expired, not finished).
pub async fn alive(db: &DatabaseConnection, token: &SessionToken) -> Result<Option<row::Model>, DbErr> {
    row::Entity::find_by_id(token.hash())
        .filter(row::Column::FinishedAt.is_null())
        .filter(row::Column::ExpiresAt.gt(now_millis()))
        .one(db)
        .await
}

/// Counts a wrong code against the reset; the count before it, or None if
/// the code is already dead (then nothing is counted).
pub async fn count_wrong(db: &DatabaseConnection, reset: &row::Model) -> Result<Option<i32>, DbErr> {
    let counted = row::Entity::update_many()
        .col_expr(row::Column::FailedAttempts, Expr::col(row::Column::FailedAttempts).add(1))
        .filter(row::Column::TokenHash.eq(reset.token_hash.clone()))
        .filter(row::Column::FailedAttempts.lt(MAX_WRONG_TRIES))
        .exec(db)
        .await?;
    if counted.rows_affected == 0 {
        return Ok(None);
    }
    let now = row::Entity::find_by_id(reset.token_hash.clone()).one(db).await?;
    Ok(now.map(|r| r.failed_attempts - 1))
}

/// Records a new code as sent (its tries start again), unless another was
/// sent within the pause — then how many ms remain.
pub async fn mark_resent(db: &DatabaseConnection, reset: &row::Model) -> Result<Result<(), i64>, DbErr> {
    let now = now_millis();
    let dead = reset.failed_attempts >= MAX_WRONG_TRIES;
    let wait = reset.code_sent_at + RESEND_AFTER_MS - now;
    if wait > 0 && !dead {
        return Ok(Err(wait));
    }
    let moved = row::Entity::update_many()
        .col_expr(row::Column::CodeSentAt, Expr::value(now))
        .col_expr(row::Column::FailedAttempts, Expr::value(0))
        .filter(row::Column::TokenHash.eq(reset.token_hash.clone()))
        .filter(row::Column::CodeSentAt.eq(reset.code_sent_at))
        .exec(db)
        .await?;
    Ok(if moved.rows_affected == 1 { Ok(()) } else { Err(RESEND_AFTER_MS) })
}

/// The code was right: the new password may be set. False if a racing request did it first.
pub async fn mark_verified<C: ConnectionTrait>(conn: &C, reset: &row::Model) -> Result<bool, DbErr> {
    let moved = row::Entity::update_many()
        .col_expr(row::Column::CodeVerifiedAt, Expr::value(Some(now_millis())))
        .filter(row::Column::TokenHash.eq(reset.token_hash.clone()))
        .filter(row::Column::CodeVerifiedAt.is_null())
        .exec(conn)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// The reset is used up. False if a racing request used it first.
pub async fn finish<C: ConnectionTrait>(conn: &C, reset: &row::Model) -> Result<bool, DbErr> {
    let moved = row::Entity::update_many()
        .col_expr(row::Column::FinishedAt, Expr::value(Some(now_millis())))
        .filter(row::Column::TokenHash.eq(reset.token_hash.clone()))
        .filter(row::Column::FinishedAt.is_null())
        .filter(row::Column::CodeVerifiedAt.is_not_null())
        .exec(conn)
        .await?;
    Ok(moved.rows_affected == 1)
}
