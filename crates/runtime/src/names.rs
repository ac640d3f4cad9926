//! Which field names carry secret material. One rule, used by the code
//! generator (to make such fields [`crate::Secret`]), by [`crate::Extra`]'s
//! `Debug` (free-form objects) and by tools that redact JSON.
//!
//! A name is split into lower-case words (`clientKeyData`, `client_key_data`
//! and `client-key-data` all give `client key data`). It is secret when
//! its last word names secret material (`token`, `password`, `secret`,
//! `passphrase`, ...) or is a key/data/value word qualified by a secret word
//! (`private key`, `secret access key`, `client key data`, `secret value`),
//! unless its last word says it is only *about* a secret (`token_type`,
//! `password_expires_at`, `secret_id`, `access_key_id`).

/// Last words that make a name secret on their own.
const SECRET_WORDS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "apikey",
    "privatekey",
    "pat",
    "otp",
    "pin",
    "cookie",
    "jwt",
    "bearer",
    "credentials",
    "signature",
];

/// Last words that are secret when another word qualifies them.
const QUALIFIED_WORDS: &[&str] = &[
    "key", "data", "value", "material", "pem", "blob", "content", "der",
];

/// Words that qualify a [`QUALIFIED_WORDS`] last word as secret.
const QUALIFIERS: &[&str] = &[
    "private",
    "secret",
    "access",
    "api",
    "signing",
    "client",
    "encryption",
    "master",
    "shared",
    "ssh",
    "credential",
    "password",
    "token",
    "auth",
    "session",
    "account",
];

/// Split `name` into lower-case words at `_`, `-`, `.`, spaces and
/// camelCase boundaries (`APIKey` -> `api key`).
pub fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a field called `name` carries secret material.
pub fn is_secret_name(name: &str) -> bool {
    let w = words(name);
    let Some(last) = w.last().map(String::as_str) else {
        return false;
    };
    if SECRET_WORDS.contains(&last) {
        return true;
    }
    if QUALIFIED_WORDS.contains(&last) && w.len() >= 2 {
        let before = w[w.len() - 2].as_str();
        if QUALIFIERS.contains(&before) || SECRET_WORDS.contains(&before) {
            return true;
        }
        // `client_key_data`, `ssh_private_key_data`, but not `public_key_data`.
        if before == "key" && last != "key" {
            return w.len() < 3 || w[w.len() - 3] != "public";
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_case() {
        assert_eq!(words("clientKeyData"), ["client", "key", "data"]);
        assert_eq!(words("client_key_data"), ["client", "key", "data"]);
        assert_eq!(words("client-key-data"), ["client", "key", "data"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("x-api-key"), ["x", "api", "key"]);
        assert_eq!(words("secretValue"), ["secret", "value"]);
    }

    #[test]
    fn secret_names() {
        for name in [
            "token",
            "access_token",
            "refreshToken",
            "user_token",
            "password",
            "db-password",
            "passphrase",
            "client_secret",
            "clientSecret",
            "secret",
            "private_key",
            "privateKey",
            "secret_access_key",
            "secretAccessKey",
            "client_key_data",
            "secretValue",
            "credential_value",
            "api_key",
            "apiKey",
            "x-api-key",
            "ssh_private_key_data",
            "sessionToken",
        ] {
            assert!(is_secret_name(name), "{name} should be secret");
        }
    }

    #[test]
    fn names_about_secrets_are_not_secret() {
        for name in [
            "token_type",
            "tokenUrl",
            "token_expires_at",
            "password_expires_at",
            "secret_id",
            "secretName",
            "access_key_id",
            "accessKeyId",
            "key",
            "value",
            "data",
            "name",
            "id",
            "fingerprint",
            "public_key",
            "client_certificate_data",
            "keyType",
            "public_key_data",
            "password_set",
            "",
        ] {
            assert!(!is_secret_name(name), "{name} should not be secret");
        }
    }
}
