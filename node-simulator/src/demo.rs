//! The simulator's fixed demo data (also listed in README.md).

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub login: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub pesel: &'static str,
    pub date_of_birth: &'static str,
}

pub const IDENTITIES: [Identity; 5] = [
    Identity {
        login: "jkowalski",
        given_name: "Jan",
        family_name: "Kowalski",
        pesel: "75031412355",
        date_of_birth: "1975-03-14",
    },
    Identity {
        login: "anowak",
        given_name: "Anna",
        family_name: "Nowak",
        pesel: "58072204561",
        date_of_birth: "1958-07-22",
    },
    Identity {
        login: "pzielinski",
        given_name: "Piotr",
        family_name: "Zieliński",
        pesel: "89113056793",
        date_of_birth: "1989-11-30",
    },
    Identity {
        login: "ewojcik",
        given_name: "Ewa",
        family_name: "Wójcik",
        pesel: "82041708464",
        date_of_birth: "1982-04-17",
    },
    Identity {
        login: "nowy-obywatel",
        given_name: "Tomasz",
        family_name: "Nowicki",
        pesel: "88062101239",
        date_of_birth: "1988-06-21",
    },
];

pub const PZ_PASSWORD: &str = "Symulator-PZ-2024";
pub const BANK_PASSWORD: &str = "Bank-Haslo-2024";
pub const CARD_CAN: &str = "123456";
pub const CARD_PIN1: &str = "1234";
/// Wrong PIN1 tries after which a card is blocked (until the simulator restarts).
pub const PIN_TRIES: u8 = 3;

impl Identity {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    /// The node's opaque, stable user id (the NameID).
    pub fn name_id(&self) -> String {
        let digest = Sha256::digest(format!("symulator-wezla/{}", self.pesel).as_bytes());
        format!("WK-{}", hex::encode_upper(&digest[..16]))
    }

    /// `Profil Zaufany` user name or `<login>@example.pl`.
    pub fn by_pz_login(input: &str) -> Option<usize> {
        let input = input.trim().to_lowercase();
        IDENTITIES
            .iter()
            .position(|i| input == i.login || input == format!("{}@example.pl", i.login))
    }

    pub fn by_login(input: &str) -> Option<usize> {
        let input = input.trim().to_lowercase();
        IDENTITIES.iter().position(|i| input == i.login)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bank {
    pub id: &'static str,
    pub name: &'static str,
}

pub const BANKS: [Bank; 3] = [
    Bank {
        id: "bank-demo",
        name: "Bank Demo (symulator)",
    },
    Bank {
        id: "bank-polski-testowy",
        name: "Bank Polski Testowy (symulator)",
    },
    Bank {
        id: "bank-spoldzielczy",
        name: "Bank Spółdzielczy Przykładowy (symulator)",
    },
];

pub fn bank(id: &str) -> Option<&'static Bank> {
    BANKS.iter().find(|b| b.id == id)
}
