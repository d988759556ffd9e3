//! What the portal page shows for the chosen account and role.

use app::pages::{
    choose_account::AccountKind,
    choose_role::RoleKind,
    portal::{Benefit, InsuranceTitle, PortalSummary, StartPage},
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::{AccountOption, Role};
use crate::{
    db::entities::{benefit, insurance_title, payer, person},
    domain::calendar::date_of,
};

pub fn role_kind(role: Role) -> RoleKind {
    match role {
        Role::Ubezpieczony => RoleKind::Ubezpieczony,
        Role::Swiadczeniobiorca => RoleKind::Swiadczeniobiorca,
        Role::Ogolna => RoleKind::Ogolna,
    }
}

/// The start page of `chosen` (in `role`, for the individual account), with
/// what the page needs to offer switching; `None` when the individual
/// account has no role chosen yet.
pub async fn summary(
    db: &DatabaseConnection,
    person: person::Model,
    chosen: AccountOption,
    role: Option<Role>,
    accounts_on_offer: usize,
    roles_on_offer: usize,
) -> Result<Option<PortalSummary>, DbErr> {
    let (account_kind, account_name, role, start) = match (chosen, role) {
        (AccountOption::Individual, Some(role)) => {
            let start = individual_start(db, &person, role).await?;
            let name = format!("{} {}", person.first_name, person.last_name);
            (AccountKind::Individual, name, Some(role_kind(role)), start)
        }
        (AccountOption::Individual, None) => return Ok(None),
        (AccountOption::Payer { id, name, nip }, _) => {
            let address = payer::Entity::find_by_id(id).one(db).await?.map(|p| p.address).unwrap_or_default();
            (AccountKind::Payer, name.clone(), None, StartPage::Payer { name, nip, address })
        }
        (AccountOption::Proxy { payer_name, nip, grantor_name, grantor_sex, scope, valid_to, .. }, _) => (
            AccountKind::Proxy,
            payer_name.clone(),
            None,
            StartPage::Proxy { payer_name, nip, grantor: grantor_name, grantor_sex, scope, valid_to: valid_to.map(date_of) },
        ),
    };
    Ok(Some(PortalSummary {
        first_name: person.first_name,
        last_name: person.last_name,
        login: person.login,
        can_switch_account: accounts_on_offer > 1,
        can_switch_role: account_kind == AccountKind::Individual && roles_on_offer > 1,
        account_kind,
        account_name,
        role,
        start,
    }))
}

async fn individual_start(db: &DatabaseConnection, person: &person::Model, role: Role) -> Result<StartPage, DbErr> {
    Ok(match role {
        Role::Ubezpieczony => StartPage::Insured {
            titles: insurance_title::Entity::find()
                .filter(insurance_title::Column::PersonId.eq(person.id))
                .all(db)
                .await?
                .into_iter()
                .map(|t| InsuranceTitle { code: t.code, description: t.description, payer_name: t.payer_name, since: t.since })
                .collect(),
        },
        Role::Swiadczeniobiorca => StartPage::Beneficiary {
            benefits: benefit::Entity::find()
                .filter(benefit::Column::PersonId.eq(person.id))
                .all(db)
                .await?
                .into_iter()
                .map(|b| Benefit { kind: b.kind, case_number: b.case_number, since: b.since })
                .collect(),
        },
        Role::Ogolna => StartPage::General {
            email: person.email.clone(),
            phone: person.phone.clone(),
            recovery_channel: if person.recovery_channel == "sms" { "SMS".into() } else { "E-mail".into() },
        },
    })
}
