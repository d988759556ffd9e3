//! The state of sign-ins through login.gov.pl, each change one atomic
//! statement: a request is taken back once (conditional UPDATE), an artifact
//! or assertion is used once (INSERT on its primary key: the second finds the
//! row), whatever instance the answer reaches.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::Expr,
};
use sha2::{Digest, Sha256};

use crate::{
    db::{
        entities::{node_identity, node_replay, node_sign_in},
        now_millis,
    },
    session::SessionToken,
};

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Records a request sent to the node, tied to the browser's cookie.
pub async fn remember_request(
    db: &DatabaseConnection,
    relay_state: &SessionToken,
    browser: &SessionToken,
    request_id: &str,
    ttl_ms: i64,
) -> Result<(), DbErr> {
    let now = now_millis();
    node_sign_in::ActiveModel {
        relay_hash: Set(relay_state.hash()),
        browser_hash: Set(browser.hash()),
        request_id: Set(request_id.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + ttl_ms),
        consumed_at: Set(None),
    }
    .insert(db)
    .await
    .map(drop)
}

/// Takes back the request this RelayState names, once, and only for the
/// browser that sent it and in time: its AuthnRequest ID. `None` for an
/// unsolicited, late, foreign or repeated answer.
pub async fn take_request(
    db: &DatabaseConnection,
    relay_state: &SessionToken,
    browser: &SessionToken,
) -> Result<Option<String>, DbErr> {
    let now = now_millis();
    let taken = node_sign_in::Entity::update_many()
        .col_expr(node_sign_in::Column::ConsumedAt, Expr::value(Some(now)))
        .filter(node_sign_in::Column::RelayHash.eq(relay_state.hash()))
        .filter(node_sign_in::Column::BrowserHash.eq(browser.hash()))
        .filter(node_sign_in::Column::ConsumedAt.is_null())
        .filter(node_sign_in::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    Ok(node_sign_in::Entity::find_by_id(relay_state.hash()).one(db).await?.map(|r| r.request_id))
}

/// What may be used once.
#[derive(Debug, Clone, Copy)]
pub enum OnceOnly {
    Artifact,
    Assertion,
}

/// Marks an artifact or assertion used until `expires_at`; `false` if it
/// already was (a replay).
pub async fn use_once(db: &DatabaseConnection, kind: OnceOnly, value: &str, expires_at: i64) -> Result<bool, DbErr> {
    let key = match kind {
        OnceOnly::Artifact => format!("artifact:{value}"),
        OnceOnly::Assertion => format!("assertion:{value}"),
    };
    let inserted = node_replay::Entity::insert(node_replay::ActiveModel {
        key_hash: Set(sha256_hex(&key)),
        expires_at: Set(expires_at),
    })
    .on_conflict_do_nothing_on([node_replay::Column::KeyHash])
    .exec(db)
    .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(_)))
}

/// The data login.gov.pl vouched for, for the registration it leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VouchedIdentity {
    pub pesel: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: String,
}

pub async fn keep_identity(
    db: &DatabaseConnection,
    token: &SessionToken,
    who: &VouchedIdentity,
    ttl_ms: i64,
) -> Result<(), DbErr> {
    let now = now_millis();
    node_identity::ActiveModel {
        token_hash: Set(token.hash()),
        pesel: Set(who.pesel.clone()),
        first_name: Set(who.first_name.clone()),
        last_name: Set(who.last_name.clone()),
        birth_date: Set(who.birth_date.clone()),
        created_at: Set(now),
        expires_at: Set(now + ttl_ms),
    }
    .insert(db)
    .await
    .map(drop)
}

/// The identity behind a cookie, while it lasts.
pub async fn find_identity<C: ConnectionTrait>(db: &C, token: &SessionToken) -> Result<Option<VouchedIdentity>, DbErr> {
    let row = node_identity::Entity::find_by_id(token.hash())
        .filter(node_identity::Column::ExpiresAt.gt(now_millis()))
        .one(db)
        .await?;
    Ok(row.map(|r| VouchedIdentity { pesel: r.pesel, first_name: r.first_name, last_name: r.last_name, birth_date: r.birth_date }))
}

/// Removes finished or late rows; how many.
pub async fn remove_expired(db: &DatabaseConnection, now: i64) -> Result<u64, DbErr> {
    let requests = node_sign_in::Entity::delete_many().filter(node_sign_in::Column::ExpiresAt.lte(now)).exec(db).await?;
    let replays = node_replay::Entity::delete_many().filter(node_replay::Column::ExpiresAt.lte(now)).exec(db).await?;
    let identities =
        node_identity::Entity::delete_many().filter(node_identity::Column::ExpiresAt.lte(now)).exec(db).await?;
    Ok(requests.rows_affected + replays.rows_affected + identities.rows_affected)
}
