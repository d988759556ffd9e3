//! The registration form checked, every problem at once (the password's
//! own rules are checked by the service, on the hashing pool).

use app::ports::{RegistrationForm, registration::RegistrationProblem as P};

use crate::{
    domain::{CountryCodes, EmailAddress, Login, Nip, Pesel, PhoneNumber},
    notifications::Channel,
};

/// A form whose fields are all valid.
#[derive(Debug, Clone)]
pub struct Valid {
    pub business: Option<(Nip, String)>,
    pub first_name: String,
    pub last_name: String,
    pub pesel: Pesel,
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

fn name(raw: &str, missing: P, problems: &mut Vec<P>) -> String {
    let name: String = raw.trim().chars().take(100).collect();
    if name.is_empty() {
        problems.push(missing);
    }
    name
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
    let pesel = match form.pesel.trim() {
        "" => Err(P::PeselMissing),
        typed => Pesel::parse(typed).map_err(|_| P::PeselInvalid),
    };
    let company = if business == Some(true) {
        let nip = match form.nip.trim() {
            "" => Err(P::NipMissing),
            typed => Nip::parse(typed).map_err(|_| P::NipInvalid),
        };
        let company_name: String = form.company_name.trim().chars().take(200).collect();
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
    problems.extend(
        [pesel.as_ref().err(), nip_problem, company_problem, email.as_ref().err(), phone.as_ref().err(), channel.as_ref().err(), login.as_ref().err()]
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
    match (pesel, email, phone, channel, login) {
        (Ok(pesel), Ok(email), Ok(phone), Ok(channel), Ok(login)) => {
            Ok(Valid { business, first_name, last_name, pesel, email, phone, channel, login })
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
        let abroad = RegistrationForm { phone: "+49 151 23456789".into(), ..form() };
        assert!(matches!(check(&abroad, &CountryCodes::default()).unwrap_err()[..], [P::PhoneCountry { .. }]));
    }
}
