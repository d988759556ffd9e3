//! The confirmation of a contact change: its code (or both codes) checked,
//! then — in ONE transaction — the codes used up, the new data stored, every
//! other session of the person ended, this session stepped up under a new
//! token, and the old channel told. Either all of it commits or none.

use app::ports::{ContactChanged, ContactCodeRefusal, SessionRefusal, profile::CodeProblem};
use http::request::Parts;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::Expr,
};

use super::{
    contact_change::{self, contact_changed_notice},
    service::ProfileService,
};
use crate::{
    db::{
        entities::{contact_change as change_row, person},
        now_millis,
    },
    domain::VerificationCode,
    error::BackendError,
    notifications,
    session::{SessionStore, SessionToken, unavailable},
    sign_in::throttle::{Admission, AttemptKeys},
    step_up::codes::{self, CheckOutcome, CodePurpose, VerificationCodes},
};

fn parse(typed: &str) -> Result<VerificationCode, CodeProblem> {
    if typed.trim().is_empty() {
        return Err(CodeProblem::Missing);
    }
    VerificationCode::parse(typed).ok_or(CodeProblem::Malformed)
}

fn problem_of(refused: CheckOutcome) -> CodeProblem {
    match refused {
        CheckOutcome::Wrong { tries_left } => CodeProblem::Wrong { tries_left },
        CheckOutcome::Exhausted => CodeProblem::Exhausted,
        CheckOutcome::Accepted | CheckOutcome::Expired | CheckOutcome::NoCode => CodeProblem::Expired,
    }
}

/// What the transaction found.
enum Applied {
    Done { others_ended: u64 },
    /// A code was used, replaced or killed meanwhile (a racing request).
    CodeGone,
    /// This session ended meanwhile.
    SessionGone,
}

impl ProfileService {
    pub(super) async fn confirm(&self, request: &Parts, code: String, current_code: String) -> Result<ContactChanged, ContactCodeRefusal> {
        let gated = self.gate.signed_in(request).await.map_err(ContactCodeRefusal::Session)?;
        let (session, person) = (gated.session, gated.person);
        let fail = |what: &str, e: BackendError| ContactCodeRefusal::Session(unavailable(what, e));
        let change = contact_change::pending(&self.db, person.id)
            .await
            .map_err(|e| fail("reading the change", e))?
            .ok_or(ContactCodeRefusal::Problem(CodeProblem::Expired))?;
        let two = change.current_code_required;
        // The problems of each field, in the shape the page expects.
        let refused = |new: Option<CodeProblem>, current: Option<CodeProblem>| match (two, new) {
            (true, _) => ContactCodeRefusal::Codes { code: new, current_code: current },
            (false, Some(p)) => ContactCodeRefusal::Problem(p),
            (false, None) => ContactCodeRefusal::Problem(CodeProblem::Expired),
        };
        let typed_new = parse(&code);
        let typed_current = if two { Some(parse(&current_code)) } else { None };
        let (typed_new, typed_current) = match (typed_new, typed_current.transpose()) {
            (Ok(new), Ok(current)) => (new, current),
            (new, current) => return Err(refused(new.err(), current.err())),
        };

        let keys = AttemptKeys::new(&person.login, self.client_ip.of(request));
        let reserved = match self.throttle.reserve(&keys).await.map_err(|e| fail("reserving an attempt", e))? {
            Admission::Granted(reserved) => reserved,
            Admission::Wait { wait_ms } => {
                let retry_after_secs = (wait_ms as u64).div_ceil(1000);
                return Err(ContactCodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs }));
            }
        };
        // Each code against its own purpose (a code of the other purpose
        // never matches) and its own 5 tries; neither is used up yet.
        let checked = async {
            let new = self.codes.verify(person.id, CodePurpose::ContactChange, &typed_new).await?;
            let current = match &typed_current {
                Some(typed) => Some(self.codes.verify(person.id, CodePurpose::ContactChangeCurrent, typed).await?),
                None => None,
            };
            Ok::<_, BackendError>((new, current))
        }
        .await;
        let (new, current) = match checked {
            Ok(checked) => checked,
            Err(e) => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                return Err(fail("checking the codes", e));
            }
        };
        let matched = match (new, current.transpose()) {
            (Ok(new), Ok(current)) => (new, current),
            (new, current) => {
                let (new, current) = (new.err(), current.err());
                let guessed = [new, current].into_iter().flatten().any(|o| matches!(o, CheckOutcome::Wrong { .. } | CheckOutcome::Exhausted));
                if guessed {
                    self.throttle.failed(reserved);
                } else {
                    self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                }
                tracing::info!(person_id = person.id, ?new, ?current, "contact change not confirmed");
                return Err(refused(new.map(problem_of), current.map(problem_of)));
            }
        };

        let token = SessionToken::generate().map_err(|e| fail("making a session token", BackendError::Random(e.to_string())))?;
        let old = codes::recipient_of(&person);
        let notice = contact_changed_notice(old.0, old.1);
        let applied = async {
            let txn = self.db.begin().await?;
            // The codes first: a write at once (SQLite's write lock from the
            // start), and of racing confirmations only one uses them.
            let mut used = VerificationCodes::consume(&txn, matched.0).await?;
            if let Some(current) = matched.1 {
                used = used && VerificationCodes::consume(&txn, current).await?;
            }
            let marked = change_row::Entity::update_many()
                .col_expr(change_row::Column::AppliedAt, Expr::value(Some(now_millis())))
                .filter(change_row::Column::Id.eq(change.id))
                .filter(change_row::Column::AppliedAt.is_null())
                .exec(&txn)
                .await?;
            if !used || marked.rows_affected != 1 {
                txn.rollback().await?;
                return Ok(Applied::CodeGone);
            }
            person::Entity::update_many()
                .col_expr(person::Column::Email, Expr::value(change.new_email.clone()))
                .col_expr(person::Column::Phone, Expr::value(change.new_phone.clone()))
                .col_expr(person::Column::RecoveryChannel, Expr::value(change.new_channel.clone()))
                .filter(person::Column::Id.eq(person.id))
                .exec(&txn)
                .await?;
            // Whoever else holds a session of this person (maybe the one who
            // stole it) is out; this one steps up under a new token.
            let others_ended = SessionStore::end_others_on(&txn, person.id, &session.token).await?;
            if !SessionStore::advance_on(&txn, &session, session.state, &token).await? {
                txn.rollback().await?;
                return Ok(Applied::SessionGone);
            }
            notifications::enqueue(&txn, notice).await?;
            txn.commit().await?;
            Ok::<_, sea_orm::DbErr>(Applied::Done { others_ended })
        }
        .await;
        match applied {
            Ok(Applied::Done { others_ended }) => {
                // The change is made and the new token exists: it must reach
                // the browser whatever the throttle's book-keeping says.
                if let Err(e) = self.throttle.succeeded(reserved).await {
                    tracing::error!(error = %e, "updating the throttle failed");
                }
                tracing::info!(person_id = person.id, others_ended, two_codes = two, "contact data changed; session stepped up");
                let record = crate::audit::Record::ok(crate::audit::Event::ContactChanged, person.id, self.client_ip.of(request));
                crate::audit::record(&self.db, record).await;
                Ok(ContactChanged { set_cookie: self.gate.set_cookie(&token) })
            }
            Ok(Applied::CodeGone) => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                Err(ContactCodeRefusal::Problem(CodeProblem::Expired))
            }
            Ok(Applied::SessionGone) => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                Err(ContactCodeRefusal::Session(SessionRefusal::NotSignedIn))
            }
            Err(e) => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                Err(fail("storing the new contact data", e.into()))
            }
        }
    }
}
