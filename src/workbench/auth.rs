//! Passwords, session tokens and their comparison: the primitives behind logging in.
//!
//! Passwords are hashed with argon2id (the crate's defaults, a random salt per account)
//! and only the PHC string is stored. Session and CSRF tokens are 32 bytes from the
//! operating system's generator; the store keeps only the session token's SHA-256, so a
//! copy of the database logs nobody in. A new password must be long and must not be a
//! common one (a list built into the binary), a repetition or a keyboard run. This module
//! must not touch the store or HTTP.

use std::fmt::Write as _;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Shortest password accepted for an account.
pub(crate) const MIN_PASSWORD_CHARS: usize = 12;

/// Fewest different characters a password must have (`aaaaaaaaaaaa` has one).
pub(crate) const MIN_DISTINCT_CHARS: usize = 5;

/// Common passwords and the words they are built on, one a line (`#` comments).
const COMMON: &str = include_str!("common_passwords.txt");

/// Why a password was refused or could not be hashed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("this password is built on a common password (`{0}`) and is among the first an attacker tries")]
    Common(String),
    #[error("this password repeats a few characters; it needs at least {MIN_DISTINCT_CHARS} different ones and no repeated word")]
    Repetitive,
    #[error("this password is a run of letters, digits or keys in a row")]
    Sequence,
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

/// Refuses passwords an attacker tries first: short ones, common ones (also with digits
/// or symbols around them, or with letters swapped for look-alike digits), repetitions
/// and runs along the alphabet or the keyboard. Length alone lets `aaaaaaaaaaaa` through.
pub(crate) fn check_password(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    let lower = password.to_lowercase();
    let distinct: std::collections::HashSet<char> = lower.chars().collect();
    if distinct.len() < MIN_DISTINCT_CHARS {
        return Err(PasswordError::Repetitive);
    }
    if is_run(&lower) {
        return Err(PasswordError::Sequence);
    }
    let common = |w: &str| {
        COMMON
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .find(|c| *c == w)
            .map(str::to_string)
    };
    let bare = lower.trim_matches(|c: char| !c.is_alphabetic());
    let unleet: String = bare
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            c => c,
        })
        .collect();
    let unleet_l = unleet.replace('i', "l");
    for w in [lower.as_str(), bare, &unleet, &unleet_l] {
        for candidate in [w, repeated_unit(w)] {
            if let Some(c) = common(candidate) {
                return Err(PasswordError::Common(c));
            }
        }
    }
    if repeated_unit(&lower) != lower {
        return Err(PasswordError::Repetitive);
    }
    Ok(())
}

/// The shortest text that `s` is two or more copies of, or `s` itself.
fn repeated_unit(s: &str) -> &str {
    let n = s.len();
    (1..=n / 2)
        .filter(|k| n.is_multiple_of(*k) && s.is_char_boundary(*k))
        .find(|k| s.as_bytes().chunks(*k).all(|c| c == &s.as_bytes()[..*k]))
        .map_or(s, |k| &s[..k])
}

/// Whether `s` runs along the alphabet, the digits or a keyboard row (either way).
fn is_run(s: &str) -> bool {
    const ROWS: &str = "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./";
    const ORDERS: [&str; 4] = [
        "abcdefghijklmnopqrstuvwxyz",
        "0123456789",
        ROWS,
        "qwertyuiopasdfghjklzxcvbnm",
    ];
    ORDERS.iter().any(|o| {
        let ring = format!("{o}{o}{o}");
        let back: String = ring.chars().rev().collect();
        ring.contains(s) || back.contains(s)
    })
}

/// The PHC string of a new password, after [`check_password`].
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    check_password(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// The hash of a random secret, checked for unknown names so that a failed login takes
/// as long whether the name exists or not (no strength rules: nobody types it).
pub(crate) fn dummy_hash() -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(new_token().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches a stored PHC string (false for a damaged string).
pub(crate) fn verify_password(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A fresh random token (64 hex characters).
pub(crate) fn new_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex(&b)
}

/// What the store keeps of a session token.
pub(crate) fn token_sha256(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time independent of where they differ (their digests, so
/// lengths do not leak either).
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterY"));
        assert!(!verify_password("not a hash", "x"));
        assert_ne!(h, hash_password("correct horse battery").unwrap(), "salted");
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn weak_passwords_are_refused_whatever_their_length() {
        for weak in [
            "aaaaaaaaaaaa",
            "abababababab",
            "121212121212",
            "abcdefghijklmnop",
            "123456789012",
            "qwertyuiopasdf",
            "Password1234",
            "P@ssw0rd!!!!",
            "passwordpassword",
            "Summer2024!!",
            "iloveyouiloveyou",
            "1q2w3e4r5t6y",
            "abcdabcdabcd",
            "Welcome12345",
        ] {
            assert!(check_password(weak).is_err(), "{weak} was accepted");
        }
        for fine in [
            "correct horse battery",
            "ia_nowak has a long password",
            "a long enough passphrase",
            "Tn7#kq9Lw2Zx",
        ] {
            assert_eq!(check_password(fine), Ok(()), "{fine}");
        }
    }

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
        assert!(!same_secret(&a, &a[..63]));
        assert_eq!(token_sha256(&a).len(), 64);
    }
}
