//! Which accounts a person may work in, and in which roles: their individual
//! account, the payers they run, and the payers that authorised them as a
//! proxy (pełnomocnik) — only grants that are in force.

use app::pages::portal::Sex;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    db::entities::{payer, person_role, proxy_grant},
    domain::{Nip, Pesel},
    error::BackendError,
};

/// An account a session can work in, as stored with the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRef {
    Individual,
    Payer(i32),
    /// Through the proxy grant with this id.
    Proxy(i32),
}

impl AccountRef {
    pub fn encode(self) -> String {
        match self {
            AccountRef::Individual => "individual".into(),
            AccountRef::Payer(id) => format!("payer:{id}"),
            AccountRef::Proxy(id) => format!("proxy:{id}"),
        }
    }

    pub fn decode(s: &str) -> Option<Self> {
        match s.split_once(':') {
            None if s == "individual" => Some(AccountRef::Individual),
            Some(("payer", id)) => id.parse().ok().map(AccountRef::Payer),
            Some(("proxy", id)) => id.parse().ok().map(AccountRef::Proxy),
            _ => None,
        }
    }
}

/// A role of the individual account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Ubezpieczony,
    Swiadczeniobiorca,
    Ogolna,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ubezpieczony => "ubezpieczony",
            Role::Swiadczeniobiorca => "swiadczeniobiorca",
            Role::Ogolna => "ogolna",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ubezpieczony" => Some(Role::Ubezpieczony),
            "swiadczeniobiorca" => Some(Role::Swiadczeniobiorca),
            "ogolna" => Some(Role::Ogolna),
            _ => None,
        }
    }
}

/// One account on offer, with what the page needs to describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountOption {
    Individual,
    Payer { id: i32, name: String, nip: String },
    Proxy {
        grant_id: i32,
        payer_name: String,
        nip: String,
        grantor_name: String,
        /// From the grantor's PESEL, where the grant names it.
        grantor_sex: Option<Sex>,
        scope: String,
        valid_to: Option<i64>,
    },
}

impl AccountOption {
    pub fn reference(&self) -> AccountRef {
        match self {
            AccountOption::Individual => AccountRef::Individual,
            AccountOption::Payer { id, .. } => AccountRef::Payer(*id),
            AccountOption::Proxy { grant_id, .. } => AccountRef::Proxy(*grant_id),
        }
    }
}

/// The sex a stored PESEL records (none if it is not a valid one).
fn sex_of(pesel: &str) -> Option<Sex> {
    Pesel::parse(pesel).ok().map(|p| if p.is_female() { Sex::Female } else { Sex::Male })
}

fn formatted_nip(raw: &str) -> String {
    Nip::parse(raw).map(|n| n.formatted()).unwrap_or_else(|_| raw.to_owned())
}

/// Every account the person may work in now: the individual account first,
/// then the payers they run, then the proxy grants in force.
pub async fn available_accounts(db: &DatabaseConnection, person_id: i32, now: i64) -> Result<Vec<AccountOption>, BackendError> {
    let mut options = vec![AccountOption::Individual];
    let owned = payer::Entity::find()
        .filter(payer::Column::OwnerPersonId.eq(person_id))
        .order_by_asc(payer::Column::Name)
        .all(db)
        .await?;
    options.extend(owned.into_iter().map(|p| AccountOption::Payer { id: p.id, nip: formatted_nip(&p.nip), name: p.name }));
    let grants = proxy_grant::Entity::find()
        .filter(proxy_grant::Column::ProxyPersonId.eq(person_id))
        .filter(proxy_grant::Column::ValidFrom.lte(now))
        .filter(Condition::any().add(proxy_grant::Column::ValidTo.is_null()).add(proxy_grant::Column::ValidTo.gt(now)))
        .filter(proxy_grant::Column::RevokedAt.is_null())
        .order_by_asc(proxy_grant::Column::Id)
        .find_also_related(payer::Entity)
        .all(db)
        .await?;
    options.extend(grants.into_iter().filter_map(|(grant, payer)| {
        let payer = payer?;
        Some(AccountOption::Proxy {
            grant_id: grant.id,
            payer_name: payer.name,
            nip: formatted_nip(&payer.nip),
            grantor_name: grant.grantor_name,
            grantor_sex: grant.grantor_pesel.as_deref().and_then(sex_of),
            scope: grant.scope,
            valid_to: grant.valid_to,
        })
    }));
    Ok(options)
}

/// The roles of the person's individual account: those they have, then "ogólna".
pub async fn available_roles(db: &DatabaseConnection, person_id: i32) -> Result<Vec<Role>, BackendError> {
    let rows = person_role::Entity::find().filter(person_role::Column::PersonId.eq(person_id)).all(db).await?;
    let mut roles: Vec<Role> = rows.iter().filter_map(|r| Role::parse(&r.role)).filter(|r| *r != Role::Ogolna).collect();
    roles.sort();
    roles.dedup();
    roles.push(Role::Ogolna);
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_refs_round_trip_and_refuse_garbage() {
        for r in [AccountRef::Individual, AccountRef::Payer(7), AccountRef::Proxy(12)] {
            assert_eq!(AccountRef::decode(&r.encode()), Some(r));
        }
        for bad in ["", "payer:", "payer:x", "proxy:1:2", "admin", "individual:1"] {
            assert_eq!(AccountRef::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Ubezpieczony, Role::Swiadczeniobiorca, Role::Ogolna] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
