use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};

use super::{SessionState, SessionToken, Stage};
use crate::accounts::{AccountRef, Role};
use crate::{
    config::SessionSettings,
    db::{entities::session, now_millis},
    error::BackendError,
};

/// A live session, found by its token.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub token: SessionToken,
    pub person_id: i32,
    pub state: SessionState,
    /// The password must be changed right after the code.
    pub password_upgrade_due: bool,
    /// When the session last stepped up (milliseconds), if it has.
    pub stepped_up_at: Option<i64>,
}

/// The node's session (login.gov.pl) behind one of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSession {
    pub name_id: String,
    pub session_index: String,
}

/// How often at most `last_seen_at` is written (saves a write per request).
const TOUCH_EVERY_MS: i64 = 30_000;

#[derive(Clone)]
pub struct SessionStore {
    db: DatabaseConnection,
    idle_ms: i64,
    absolute_ms: i64,
}

impl SessionStore {
    pub fn new(db: DatabaseConnection, settings: &SessionSettings) -> Self {
        SessionStore {
            db,
            idle_ms: settings.idle_timeout_secs as i64 * 1000,
            absolute_ms: settings.absolute_timeout_secs as i64 * 1000,
        }
    }

    /// Opens a new session under a fresh token, ending `previous` (the
    /// browser's earlier session, if any) in the same transaction.
    /// `password_upgrade_due`: the password is a legacy one, to be changed
    /// right after the code.
    pub async fn open(
        &self,
        person_id: i32,
        state: SessionState,
        password_upgrade_due: bool,
        previous: Option<&SessionToken>,
    ) -> Result<SessionToken, BackendError> {
        self.insert(person_id, state, password_upgrade_due, previous, None).await
    }

    /// Opens a session after a sign-in through login.gov.pl: a strong sign-in
    /// (it counts as a step-up), with the node's session kept for logout.
    pub async fn open_after_node(
        &self,
        person_id: i32,
        state: SessionState,
        previous: Option<&SessionToken>,
        node: &NodeSession,
    ) -> Result<SessionToken, BackendError> {
        self.insert(person_id, state, false, previous, Some(node)).await
    }

    /// The node's session behind ours, if it began at login.gov.pl.
    pub async fn node_session(&self, token: &SessionToken) -> Result<Option<NodeSession>, BackendError> {
        let row = session::Entity::find_by_id(token.hash()).one(&self.db).await?;
        Ok(row.and_then(|r| Some(NodeSession { name_id: r.node_name_id?, session_index: r.node_session_index? })))
    }

    async fn insert(
        &self,
        person_id: i32,
        state: SessionState,
        password_upgrade_due: bool,
        previous: Option<&SessionToken>,
        node: Option<&NodeSession>,
    ) -> Result<SessionToken, BackendError> {
        let token = SessionToken::generate().map_err(|e| BackendError::Random(e.to_string()))?;
        let now = now_millis();
        let txn = self.db.begin().await?;
        if let Some(previous) = previous {
            session::Entity::delete_by_id(previous.hash()).exec(&txn).await?;
        }
        session::ActiveModel {
            token_hash: Set(token.hash()),
            person_id: Set(person_id),
            stage: Set(state.stage.as_str().to_owned()),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(now + self.absolute_ms),
            account: Set(state.account.map(AccountRef::encode)),
            role: Set(state.role.map(|r| r.as_str().to_owned())),
            password_upgrade_due: Set(password_upgrade_due),
            stepped_up_at: Set(node.map(|_| now)),
            node_name_id: Set(node.map(|n| n.name_id.clone())),
            node_session_index: Set(node.map(|n| n.session_index.clone())),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(token)
    }

    /// Steps a session up to its next stage under a new token (the old one
    /// stops working at once), and records the step-up's time. `None` if the
    /// session was ended meanwhile — e.g. by a second, racing request that
    /// advanced it first.
    ///
    /// One UPDATE that gives the row the new token's hash: atomic on its own,
    /// and it keeps `created_at` and `expires_at` (the absolute limit runs
    /// from the first sign-in step). A transaction that read the row first
    /// would, on SQLite, hold a read lock while asking for the write lock,
    /// and fail with "database is locked" when people step up at the same
    /// moment.
    pub async fn advance(&self, current: &ActiveSession, state: SessionState) -> Result<Option<SessionToken>, BackendError> {
        let token = SessionToken::generate().map_err(|e| BackendError::Random(e.to_string()))?;
        Ok(Self::advance_on(&self.db, current, state, &token).await?.then_some(token))
    }

    /// [`Self::advance`] to a given new token, on a connection or inside a
    /// transaction, so that a step up can commit (or fail) together with
    /// what it allows. `false` if the session was ended meanwhile.
    pub async fn advance_on<C: ConnectionTrait>(
        conn: &C,
        current: &ActiveSession,
        state: SessionState,
        token: &SessionToken,
    ) -> Result<bool, DbErr> {
        use sea_orm::sea_query::Expr;
        let now = now_millis();
        let moved = session::Entity::update_many()
            .col_expr(session::Column::TokenHash, Expr::value(token.hash()))
            .col_expr(session::Column::Stage, Expr::value(state.stage.as_str()))
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .col_expr(session::Column::Account, Expr::value(state.account.map(AccountRef::encode)))
            .col_expr(session::Column::Role, Expr::value(state.role.map(|r| r.as_str().to_owned())))
            // Due only until the code: from then on the stage says it.
            .col_expr(session::Column::PasswordUpgradeDue, Expr::value(false))
            .col_expr(session::Column::SteppedUpAt, Expr::value(Some(now)))
            .filter(session::Column::TokenHash.eq(current.token.hash()))
            .exec(conn)
            .await?;
        Ok(moved.rows_affected == 1)
    }

    /// Ends every session of the person but `keep` (on a connection or
    /// inside a transaction); how many ended.
    pub async fn end_others_on<C: ConnectionTrait>(conn: &C, person_id: i32, keep: &SessionToken) -> Result<u64, DbErr> {
        let ended = session::Entity::delete_many()
            .filter(session::Column::PersonId.eq(person_id))
            .filter(session::Column::TokenHash.ne(keep.hash()))
            .exec(conn)
            .await?;
        Ok(ended.rows_affected)
    }

    /// The live session behind a token. An expired one is deleted and not returned.
    pub async fn find(&self, token: &SessionToken) -> Result<Option<ActiveSession>, BackendError> {
        let Some(row) = session::Entity::find_by_id(token.hash()).one(&self.db).await? else {
            return Ok(None);
        };
        let now = now_millis();
        if now >= row.expires_at || now >= row.last_seen_at + self.idle_ms {
            session::Entity::delete_by_id(row.token_hash).exec(&self.db).await?;
            return Ok(None);
        }
        let Some(stage) = Stage::parse(&row.stage) else {
            tracing::error!(stage = %row.stage, "session with an unknown stage ended");
            session::Entity::delete_by_id(row.token_hash).exec(&self.db).await?;
            return Ok(None);
        };
        if now - row.last_seen_at >= TOUCH_EVERY_MS {
            session::Entity::update_many()
                .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
                .filter(session::Column::TokenHash.eq(row.token_hash.clone()))
                .exec(&self.db)
                .await?;
        }
        let state = SessionState {
            stage,
            account: row.account.as_deref().and_then(AccountRef::decode),
            role: row.role.as_deref().and_then(Role::parse),
        };
        Ok(Some(ActiveSession {
            token: token.clone(),
            person_id: row.person_id,
            state,
            password_upgrade_due: row.password_upgrade_due,
            stepped_up_at: row.stepped_up_at,
        }))
    }

    /// Records a choice of account or role (no step up: the token stays).
    /// `false` if the session was ended meanwhile.
    pub async fn set_state(&self, session: &ActiveSession, state: SessionState) -> Result<bool, BackendError> {
        let result = session::Entity::update_many()
            .col_expr(session::Column::Stage, sea_orm::sea_query::Expr::value(state.stage.as_str()))
            .col_expr(session::Column::Account, sea_orm::sea_query::Expr::value(state.account.map(AccountRef::encode)))
            .col_expr(session::Column::Role, sea_orm::sea_query::Expr::value(state.role.map(|r| r.as_str().to_owned())))
            .filter(session::Column::TokenHash.eq(session.token.hash()))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Marks the session as used now (the person asked to stay signed in).
    pub async fn touch(&self, session: &ActiveSession) -> Result<(), BackendError> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now_millis()))
            .filter(session::Column::TokenHash.eq(session.token.hash()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The idle timeout, in seconds.
    pub fn idle_timeout_secs(&self) -> u64 {
        (self.idle_ms / 1000) as u64
    }

    pub async fn end(&self, token: &SessionToken) -> Result<(), BackendError> {
        session::Entity::delete_by_id(token.hash()).exec(&self.db).await?;
        Ok(())
    }

    /// Deletes every session past its idle or absolute end.
    pub async fn purge_expired(&self) -> Result<u64, BackendError> {
        let now = now_millis();
        let result = session::Entity::delete_many()
            .filter(
                sea_orm::Condition::any()
                    .add(session::Column::ExpiresAt.lte(now))
                    .add(session::Column::LastSeenAt.lte(now - self.idle_ms)),
            )
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}
