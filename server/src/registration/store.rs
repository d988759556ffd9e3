//! The rows of registrations in progress (`registrations`): made with their
//! code, found by their cookie, moved on by conditional updates.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};

use super::form::{Identity, Valid};
use crate::{
    db::{entities::registration as row, now_millis},
    notifications::Channel,
    session::SessionToken,
    step_up::{
        codes::{CODE_TTL_MS, MAX_WRONG_TRIES},
        send_limits::RESEND_AFTER_MS,
    },
};

/// How long a registration may take, its code and another login included.
pub const REGISTRATION_TTL_MS: i64 = 60 * 60_000;
/// Codes one registration may send (the first included).
pub const MAX_CODES: i32 = 5;

pub struct NewCode<'a> {
    pub hash: &'a str,
    pub salt: &'a str,
}

pub async fn create<C: ConnectionTrait>(
    conn: &C,
    token: &SessionToken,
    form: &Valid,
    password_hash: String,
    code: NewCode<'_>,
    node_verified: bool,
) -> Result<(), DbErr> {
    let now = now_millis();
    row::ActiveModel {
        token_hash: Set(token.hash()),
        kind: Set(if form.business.is_some() { "business" } else { "individual" }.into()),
        first_name: Set(form.first_name.clone()),
        last_name: Set(form.last_name.clone()),
        pesel: Set(match &form.identity {
            Identity::Pesel(pesel) => Some(pesel.as_str().to_owned()),
            Identity::Document { .. } => None,
        }),
        birth_date: Set(match &form.identity {
            Identity::Document { birth_date, .. } => Some(birth_date.iso()),
            Identity::Pesel(_) => None,
        }),
        id_document: Set(match &form.identity {
            Identity::Document { document, .. } => Some(document.as_str().to_owned()),
            Identity::Pesel(_) => None,
        }),
        email: Set(form.email.as_str().to_owned()),
        phone: Set(form.phone.as_str().to_owned()),
        recovery_channel: Set(match form.channel {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
        .into()),
        login: Set(form.login.as_str().to_owned()),
        password_hash: Set(password_hash),
        nip: Set(form.business.as_ref().map(|(nip, _)| nip.as_str().to_owned())),
        company_name: Set(form.business.as_ref().map(|(_, name)| name.clone())),
        code_hash: Set(code.hash.to_owned()),
        code_salt: Set(code.salt.to_owned()),
        code_sent_at: Set(now),
        codes_sent: Set(1),
        failed_attempts: Set(0),
        created_at: Set(now),
        expires_at: Set(now + REGISTRATION_TTL_MS),
        code_verified_at: Set(None),
        completed_at: Set(None),
        node_verified: Set(node_verified),
    }
    .insert(conn)
    .await
    .map(drop)
}

/// The registration of this cookie, if it has not expired.
pub async fn find(db: &DatabaseConnection, token: &SessionToken) -> Result<Option<row::Model>, DbErr> {
    row::Entity::find_by_id(token.hash()).filter(row::Column::ExpiresAt.gt(now_millis())).one(db).await
}

pub fn code_expired(reg: &row::Model, now: i64) -> bool {
    now >= reg.code_sent_at + CODE_TTL_MS
}

/// Counts a wrong code; the count before it, or None if the code was already dead.
pub async fn count_wrong(db: &DatabaseConnection, reg: &row::Model) -> Result<Option<i32>, DbErr> {
    let counted = row::Entity::update_many()
        .col_expr(row::Column::FailedAttempts, Expr::col(row::Column::FailedAttempts).add(1))
        .filter(row::Column::TokenHash.eq(reg.token_hash.clone()))
        .filter(row::Column::CodeSentAt.eq(reg.code_sent_at))
        .filter(row::Column::FailedAttempts.lt(MAX_WRONG_TRIES))
        .exec(db)
        .await?;
    if counted.rows_affected == 0 {
        return Ok(None);
    }
    Ok(row::Entity::find_by_id(reg.token_hash.clone()).one(db).await?.map(|r| r.failed_attempts - 1))
}

/// Why another code may not go yet: ms to wait.
pub fn resend_wait(reg: &row::Model, now: i64) -> Option<i64> {
    let dead = reg.failed_attempts >= MAX_WRONG_TRIES;
    let pause = reg.code_sent_at + RESEND_AFTER_MS - now;
    if reg.codes_sent >= MAX_CODES {
        Some(Ord::max(reg.created_at + REGISTRATION_TTL_MS - now, 1))
    } else if pause > 0 && !dead {
        Some(pause)
    } else {
        None
    }
}

/// Stores a new code in place of the old one (tries start again), unless a
/// racing request did first. In the caller's transaction.
pub async fn replace_code<C: ConnectionTrait>(conn: &C, reg: &row::Model, code: NewCode<'_>) -> Result<bool, DbErr> {
    let moved = row::Entity::update_many()
        .col_expr(row::Column::CodeHash, Expr::value(code.hash))
        .col_expr(row::Column::CodeSalt, Expr::value(code.salt))
        .col_expr(row::Column::CodeSentAt, Expr::value(now_millis()))
        .col_expr(row::Column::CodesSent, Expr::col(row::Column::CodesSent).add(1))
        .col_expr(row::Column::FailedAttempts, Expr::value(0))
        .filter(row::Column::TokenHash.eq(reg.token_hash.clone()))
        .filter(row::Column::CodeSentAt.eq(reg.code_sent_at))
        .filter(row::Column::CodeVerifiedAt.is_null())
        .exec(conn)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// The code was right. False if a racing request was first.
pub async fn mark_verified(db: &DatabaseConnection, reg: &row::Model) -> Result<bool, DbErr> {
    let moved = row::Entity::update_many()
        .col_expr(row::Column::CodeVerifiedAt, Expr::value(Some(now_millis())))
        .filter(row::Column::TokenHash.eq(reg.token_hash.clone()))
        .filter(row::Column::CodeSentAt.eq(reg.code_sent_at))
        .filter(row::Column::CodeVerifiedAt.is_null())
        .exec(db)
        .await?;
    Ok(moved.rows_affected == 1)
}

pub async fn set_login(db: &DatabaseConnection, reg: &row::Model, login: &str) -> Result<(), DbErr> {
    row::Entity::update_many()
        .col_expr(row::Column::Login, Expr::value(login))
        .filter(row::Column::TokenHash.eq(reg.token_hash.clone()))
        .filter(row::Column::CompletedAt.is_null())
        .exec(db)
        .await
        .map(drop)
}

/// Finished. False if a racing request finished it first.
/// Takes the write lock before anything is read: an UPDATE of the
/// registration's own row that changes nothing. On PostgreSQL it locks the
/// row (two completions of one registration queue); on SQLite it is the
/// database's write lock, waited for with the busy timeout. Without it, a
/// transaction that first reads and then writes fails at once with
/// "database is locked" when another connection wrote in between (SQLite
/// cannot move a reader's snapshot forward).
pub async fn lock<C: ConnectionTrait>(conn: &C, reg: &row::Model) -> Result<(), DbErr> {
    row::Entity::update_many()
        .col_expr(row::Column::ExpiresAt, Expr::col(row::Column::ExpiresAt))
        .filter(row::Column::TokenHash.eq(reg.token_hash.clone()))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn mark_completed<C: ConnectionTrait>(conn: &C, reg: &row::Model) -> Result<bool, DbErr> {
    let moved = row::Entity::update_many()
        .col_expr(row::Column::CompletedAt, Expr::value(Some(now_millis())))
        .filter(row::Column::TokenHash.eq(reg.token_hash.clone()))
        .filter(row::Column::CompletedAt.is_null())
        .filter(row::Column::CodeVerifiedAt.is_not_null())
        .exec(conn)
        .await?;
    Ok(moved.rows_affected == 1)
}
