//! A change of contact data waits for the code sent to where it leads —
//! and, unless the session stepped up within the last 5 minutes, for a code
//! sent to the current recovery channel: where the codes go, the pending
//! change, and the notice to the old channel once it is made.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    db::{
        entities::{contact_change, person},
        now_millis,
    },
    error::BackendError,
    notifications::{Channel, OutgoingMessage},
    step_up::codes::CODE_TTL_MS,
};

/// A session that stepped up (code accepted, password changed) this
/// recently may move the recovery channel with the new destination's code
/// alone; any older one needs a code from the current channel too.
pub const RECENT_STEP_UP_MS: i64 = 5 * 60_000;

/// Whether a session that stepped up at `stepped_up_at` counts as having
/// just done so at `now`. Never stepped up: no.
pub fn stepped_up_recently(stepped_up_at: Option<i64>, now: i64) -> bool {
    stepped_up_at.is_some_and(|at| at <= now && now - at <= RECENT_STEP_UP_MS)
}

/// Where the code proving a contact change goes: the new phone number, else
/// the new e-mail address, else (only the channel changes) the new channel's
/// current address or number.
pub fn proof_destination(person: &person::Model, change: &contact_change::Model) -> (Channel, String) {
    if change.new_phone != person.phone {
        (Channel::Sms, change.new_phone.clone())
    } else if change.new_email != person.email {
        (Channel::Email, change.new_email.clone())
    } else if change.new_channel == "sms" {
        (Channel::Sms, person.phone.clone())
    } else {
        (Channel::Email, person.email.clone())
    }
}

/// The newest contact change of the person still waiting for its code (10 minutes).
pub async fn pending(db: &DatabaseConnection, person_id: i32) -> Result<Option<contact_change::Model>, BackendError> {
    Ok(contact_change::Entity::find()
        .filter(contact_change::Column::PersonId.eq(person_id))
        .filter(contact_change::Column::AppliedAt.is_null())
        .filter(contact_change::Column::CreatedAt.gt(now_millis() - CODE_TTL_MS))
        .order_by_desc(contact_change::Column::Id)
        .one(db)
        .await?)
}

/// The notice to the old address or number that the contact data changed:
/// if it was not the person, they learn of it while the old channel works.
pub fn contact_changed_notice(channel: Channel, old_recipient: String) -> OutgoingMessage {
    match channel {
        Channel::Sms => OutgoingMessage {
            channel,
            recipient: old_recipient,
            subject: None,
            body: "eZUS: dane kontaktowe Twojego profilu zostały zmienione. Jeśli to nie Ty, zadzwoń do ZUS: 22 560 16 00.".into(),
            purpose: "contact_changed",
        },
        Channel::Email => OutgoingMessage {
            channel,
            recipient: old_recipient,
            subject: Some("Dane kontaktowe w eZUS zostały zmienione".into()),
            body: "Dzień dobry,\n\n\
                   dane kontaktowe lub kanał odzyskiwania dostępu Twojego profilu w eZUS zostały \
                   właśnie zmienione. Ta wiadomość idzie na poprzedni adres.\n\n\
                   Jeśli to Ty, nic nie musisz robić. Jeśli to nie Ty, natychmiast skontaktuj się z \
                   Centrum Obsługi Telefonicznej ZUS: 22 560 16 00.\n\n\
                   Zakład Ubezpieczeń Społecznych"
                .into(),
            purpose: "contact_changed",
        },
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_step_up_of_the_last_5_minutes_is_recent() {
        let now = 100 * 60_000;
        assert!(stepped_up_recently(Some(now), now));
        assert!(stepped_up_recently(Some(now - RECENT_STEP_UP_MS), now));
        assert!(!stepped_up_recently(Some(now - RECENT_STEP_UP_MS - 1), now));
        assert!(!stepped_up_recently(None, now));
        assert!(!stepped_up_recently(Some(now + 60_000), now), "a time in the future is no proof");
    }
}
