//! argon2id on memory that is wiped as soon as each hash is done.
//!
//! `argon2`'s own hasher allocates its blocks (`argon2.memory_kib`, 19 MiB
//! shipped) and frees them as they are: the last pass over a password stays
//! in freed heap memory until the allocator happens to reuse or return it.
//! [`Wiped`] runs the same algorithm on blocks it owns and zeroizes them
//! (volatile writes) before they are freed. The PHC strings are the crate's,
//! byte for byte: hashes made before and after verify alike.

use argon2::{
    Algorithm, Argon2, Block, Params, Version,
    password_hash::{self, Decimal, Ident, Output, ParamsString, PasswordHash, Salt},
};
use zeroize::Zeroizing;

/// argon2 with its memory wiped after each use; configured like [`Argon2`].
#[derive(Clone)]
pub struct Wiped {
    algorithm: Algorithm,
    version: Version,
    params: Params,
}

impl Wiped {
    pub fn new(algorithm: Algorithm, version: Version, params: Params) -> Self {
        Wiped { algorithm, version, params }
    }
}

impl password_hash::PasswordHasher for Wiped {
    type Params = Params;

    fn hash_password<'a>(&self, password: &[u8], salt: impl Into<Salt<'a>>) -> password_hash::Result<PasswordHash<'a>> {
        let (algorithm, version) = (Some(self.algorithm.ident()), Some(self.version.into()));
        self.hash_password_customized(password, algorithm, version, self.params.clone(), salt)
    }

    /// Also what `verify_password` runs, with the parameters of the stored hash.
    fn hash_password_customized<'a>(
        &self,
        password: &[u8],
        algorithm: Option<Ident<'a>>,
        version: Option<Decimal>,
        params: Params,
        salt: impl Into<Salt<'a>>,
    ) -> password_hash::Result<PasswordHash<'a>> {
        let algorithm = algorithm.map(Algorithm::try_from).transpose()?.unwrap_or(self.algorithm);
        let version = version.map(Version::try_from).transpose()?.unwrap_or(self.version);
        let salt = salt.into();
        let mut salt_buffer = [0u8; Salt::MAX_LENGTH];
        let salt_bytes = salt.decode_b64(&mut salt_buffer)?;
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let mut blocks = Zeroizing::new(vec![Block::default(); params.block_count()]);
        let length = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let output = Output::init_with(length, |out| {
            Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, blocks.as_mut_slice())?)
        })?;
        Ok(PasswordHash {
            algorithm: algorithm.ident(),
            version: Some(version.into()),
            params: ParamsString::try_from(&params)?,
            salt: Some(salt),
            hash: Some(output),
        })
    }
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHasher as _, PasswordVerifier as _, password_hash::SaltString};

    use super::*;

    fn params(m: u32) -> Params {
        Params::new(m, 2, 1, None).unwrap()
    }

    #[test]
    fn its_hashes_are_the_argon2_crates_byte_for_byte() {
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let ours = Wiped::new(Algorithm::Argon2id, Version::V0x13, params(1024));
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params(1024));
        let a = ours.hash_password(b"Kowalski-Haslo-2024", &salt).unwrap().to_string();
        let b = theirs.hash_password(b"Kowalski-Haslo-2024", &salt).unwrap().to_string();
        assert_eq!(a, b);
        assert!(a.starts_with("$argon2id$v=19$m=1024,t=2,p=1$"), "{a}");
    }

    #[test]
    fn it_verifies_with_the_stored_hashs_own_parameters() {
        // Made by the crate with other parameters and another variant.
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let old = Argon2::new(Algorithm::Argon2i, Version::V0x13, params(2048));
        let stored = old.hash_password(b"Stare-Haslo-2019", &salt).unwrap().to_string();
        let ours = Wiped::new(Algorithm::Argon2id, Version::V0x13, params(1024));
        let parsed = PasswordHash::new(&stored).unwrap();
        assert!(ours.verify_password(b"Stare-Haslo-2019", &parsed).is_ok());
        assert!(ours.verify_password(b"stare-haslo-2019", &parsed).is_err());
    }
}
