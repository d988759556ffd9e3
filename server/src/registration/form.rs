//! The registration form checked, every problem at once (the password's
//! own rules are checked by the service, on the hashing pool).

use app::ports::{RegistrationForm, registration::RegistrationProblem as P};

use crate::{
    domain::{BirthDate, CountryCodes, EmailAddress, IdDocument, Login, Nip, Pesel, PhoneNumber},
    notifications::Channel,
};

/// Who registers: by PESEL, or — without one — by the date of birth and
/// an identity document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    Pesel(Pesel),
    Document { birth_date: BirthDate, document: IdDocument },
}

impl Identity {
    /// The throttle's key.
    pub fn key(&self) -> String {
        match self {
            Identity::Pesel(pesel) => pesel.as_str().to_owned(),
            Identity::Document { document, .. } => format!("doc:{document}"),
        }
    }
}

/// A form whose fields are all valid.
#[derive(Debug, Clone)]
pub struct Valid {
    pub business: Option<(Nip, String)>,
    pub first_name: String,
    pub last_name: String,
    pub identity: Identity,
    pub email: EmailAddress,
    pub phone: PhoneNumber,
    pub channel: Channel,
    pub login: Login,
}

impl Valid {
    /// Where the code goes: the contact of the chosen channel.
    pub fn code_recipient(&self) -> (Channel, String) {
        match self.channel {
            Channel::Sms => (Channel::Sms, self.phone.as_str().to_owned()),
            Channel::Email => (Channel::Email, self.email.as_str().to_owned()),
        }
    }
}

/// Free text as stored: trimmed, without control characters (invisible,
/// and NUL is refused by PostgreSQL), at most `max` characters.
fn printable(raw: &str, max: usize) -> String {
    raw.trim().chars().filter(|c| !c.is_control()).take(max).collect()
}

fn name(raw: &str, missing: P, problems: &mut Vec<P>) -> String {
    let name = printable(raw, 100);
    if name.is_empty() {
        problems.push(missing);
    }
    name
}

/// Who registers, or what is wrong with it (in the order of the fields).
fn identity(form: &RegistrationForm, today: (u32, u32, u32)) -> Result<Identity, Vec<P>> {
    if !form.no_pesel {
        return match form.pesel.trim() {
            "" => Err(vec![P::PeselMissing]),
            typed => Pesel::parse(typed).map(Identity::Pesel).map_err(|_| vec![P::PeselInvalid]),
        };
    }
    let birth_date = match form.birth_date.trim() {
        "" => Err(P::BirthDateMissing),
        typed => BirthDate::parse(typed, today).ok_or(P::BirthDateInvalid),
    };
    let document = match form.id_document.trim() {
        "" => Err(P::DocumentMissing),
        typed => IdDocument::parse(typed).ok_or(P::DocumentInvalid),
    };
    match (birth_date, document) {
        (Ok(birth_date), Ok(document)) => Ok(Identity::Document { birth_date, document }),
        (birth_date, document) => Err([birth_date.err(), document.err()].into_iter().flatten().collect()),
    }
}

/// Today as (year, month, day).
fn today() -> (u32, u32, u32) {
    let iso = crate::domain::calendar::date_of(crate::db::now_millis());
    let part = |range: std::ops::Range<usize>| iso.get(range).and_then(|p| p.parse().ok()).unwrap_or(0);
    (part(0..4), part(5..7), part(8..10))
}

pub fn check(form: &RegistrationForm, countries: &CountryCodes) -> Result<Valid, Vec<P>> {
    let mut problems = Vec::new();
    let business = match form.kind.as_str() {
        "individual" => Some(false),
        "business" => Some(true),
        _ => {
            problems.push(P::KindMissing);
            None
        }
    };
    let first_name = name(&form.first_name, P::FirstNameMissing, &mut problems);
    let last_name = name(&form.last_name, P::LastNameMissing, &mut problems);
    let identity = identity(form, today());
    let company = if business == Some(true) {
        let nip = match form.nip.trim() {
            "" => Err(P::NipMissing),
            typed => Nip::parse(typed).map_err(|_| P::NipInvalid),
        };
        let company_name = printable(&form.company_name, 200);
        let company_name = if company_name.is_empty() { Err(P::CompanyNameMissing) } else { Ok(company_name) };
        Some((nip, company_name))
    } else {
        None
    };
    let email = match form.email.trim() {
        "" => Err(P::EmailMissing),
        typed => EmailAddress::parse(typed).ok_or(P::EmailInvalid),
    };
    let channel = match form.channel.as_str() {
        "email" => Ok(Channel::Email),
        "sms" => Ok(Channel::Sms),
        _ => Err(P::ChannelMissing),
    };
    // Against SMS pumping: only numbers of the countries we send SMS to.
    let phone = match form.phone.trim() {
        "" => Err(P::PhoneMissing),
        typed => match PhoneNumber::parse(typed) {
            None => Err(P::PhoneInvalid),
            Some(phone) if !countries.allows(&phone) => Err(P::PhoneCountry { allowed: countries.as_slice().to_vec() }),
            Some(phone) => Ok(phone),
        },
    };
    let login = match form.login.trim() {
        "" => Err(P::LoginMissing),
        typed => Login::parse(typed).map_err(|_| P::LoginInvalid),
    };
    // In the order of the form's fields.
    let (nip_problem, company_problem) = match &company {
        Some((nip, name)) => (nip.as_ref().err(), name.as_ref().err()),
        None => (None, None),
    };
    if let Err(identity_problems) = &identity {
        problems.extend(identity_problems.iter().cloned());
    }
    problems.extend(
        [nip_problem, company_problem, email.as_ref().err(), phone.as_ref().err(), channel.as_ref().err(), login.as_ref().err()]
            .into_iter()
            .flatten()
            .cloned(),
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    let business = match company {
        Some((Ok(nip), Ok(company_name))) => Some((nip, company_name)),
        _ => None,
    };
    match (identity, email, phone, channel, login) {
        (Ok(identity), Ok(email), Ok(phone), Ok(channel), Ok(login)) => {
            Ok(Valid { business, first_name, last_name, identity, email, phone, channel, login })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RegistrationForm {
        RegistrationForm {
            kind: "individual".into(),
            first_name: "Marta".into(),
            last_name: "Lis".into(),
            pesel: "90010112318".into(),
            no_pesel: false,
            birth_date: String::new(),
            id_document: String::new(),
            email: "marta.lis@example.pl".into(),
            phone: "600 700 800".into(),
            channel: "email".into(),
            login: "mlis".into(),
            password: "x".into(),
            repeated: "x".into(),
            nip: String::new(),
            company_name: String::new(),
        }
    }

    #[test]
    fn a_good_form_is_valid_and_says_where_the_code_goes() {
        let valid = check(&form(), &CountryCodes::default()).unwrap();
        assert_eq!(valid.code_recipient(), (Channel::Email, "marta.lis@example.pl".into()));
        assert!(valid.business.is_none());
    }

    #[test]
    fn every_problem_is_named_at_once_in_the_order_of_the_fields() {
        let empty = RegistrationForm::default();
        let problems = check(&empty, &CountryCodes::default()).unwrap_err();
        assert_eq!(
            problems,
            vec![P::KindMissing, P::FirstNameMissing, P::LastNameMissing, P::PeselMissing, P::EmailMissing, P::PhoneMissing, P::ChannelMissing, P::LoginMissing]
        );
        let business = RegistrationForm { kind: "business".into(), nip: "526-000-12-47".into(), ..form() };
        assert_eq!(check(&business, &CountryCodes::default()).unwrap_err(), vec![P::NipInvalid, P::CompanyNameMissing]);
        let without_pesel = RegistrationForm { pesel: String::new(), no_pesel: true, birth_date: "24.11.1985".into(), id_document: "abc 123456".into(), ..form() };
        let valid = check(&without_pesel, &CountryCodes::default()).unwrap();
        assert!(matches!(&valid.identity, Identity::Document { document, .. } if document.as_str() == "ABC123456"));
        let half = RegistrationForm { no_pesel: true, birth_date: "31.02.1985".into(), ..form() };
        assert_eq!(check(&half, &CountryCodes::default()).unwrap_err(), vec![P::BirthDateInvalid, P::DocumentMissing]);
        let abroad = RegistrationForm { phone: "+49 151 23456789".into(), ..form() };
        assert!(matches!(check(&abroad, &CountryCodes::default()).unwrap_err()[..], [P::PhoneCountry { .. }]));
    }
}
