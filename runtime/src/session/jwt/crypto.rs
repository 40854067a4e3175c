//! The primitives below the JWE layer, all from RustCrypto: the HKDF-SHA-256 key derivation
//! Auth.js uses, the RFC 7638 thumbprint that names a key, and `A256CBC-HS512` (RFC 7518
//! §5.2: AES-256-CBC with PKCS#7 padding, authenticated by HMAC-SHA-512 truncated to 32
//! bytes). Nothing here is hand-rolled beyond composing those crates as the RFC says.

use aes::Aes256;
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};

/// The 64-byte `A256CBC-HS512` key: the first half authenticates, the second encrypts.
#[derive(Clone)]
pub(super) struct Key([u8; 64]);

/// The content encryption's initialisation vector length.
pub(super) const IV_LEN: usize = 16;
/// The authentication tag's length: HMAC-SHA-512 truncated to its first 32 bytes.
pub(super) const TAG_LEN: usize = 32;

impl Key {
    /// Auth.js's `getDerivedEncryptionKey("A256CBC-HS512", secret, salt)`: HKDF-SHA-256 with
    /// the secret's UTF-8 bytes as input key material, the salt (the session cookie's full
    /// name), the info `Auth.js Generated Encryption Key (<salt>)`, 64 bytes.
    pub(super) fn derive(secret: &str, salt: &str) -> Key {
        let info = format!("Auth.js Generated Encryption Key ({salt})");
        let mut okm = [0u8; 64];
        // 64 bytes is far below HKDF-SHA-256's limit of 255 * 32: expand cannot fail, and
        // if it did the key would stay zeroed and every tag check would fail.
        let _ = Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret.as_bytes())
            .expand(info.as_bytes(), &mut okm);
        Key(okm)
    }

    /// The key's `kid`: the RFC 7638 JWK thumbprint of `{"k":…,"kty":"oct"}` with SHA-512
    /// (Auth.js digests with `sha` + the key's bit length), base64url without padding.
    pub(super) fn thumbprint(&self) -> String {
        let jwk = format!(
            r#"{{"k":"{}","kty":"oct"}}"#,
            URL_SAFE_NO_PAD.encode(self.0)
        );
        URL_SAFE_NO_PAD.encode(Sha512::digest(jwk.as_bytes()))
    }

    fn mac_key(&self) -> &[u8] {
        &self.0[..32]
    }

    fn enc_key(&self) -> &[u8] {
        &self.0[32..]
    }

    /// The tag over `aad || iv || ciphertext || AL`, AL being the AAD's length in bits as a
    /// 64-bit big-endian integer.
    fn mac(&self, aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Hmac<Sha512>> {
        let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(self.mac_key()).ok()?;
        mac.update(aad);
        mac.update(iv);
        mac.update(ciphertext);
        let bits = u64::try_from(aad.len()).ok()?.checked_mul(8)?;
        mac.update(&bits.to_be_bytes());
        Some(mac)
    }

    /// Encrypts and authenticates `plaintext`: (ciphertext, tag).
    pub(super) fn seal(
        &self,
        aad: &[u8],
        iv: &[u8; IV_LEN],
        plaintext: &[u8],
    ) -> Option<(Vec<u8>, Vec<u8>)> {
        let ciphertext = cbc::Encryptor::<Aes256>::new_from_slices(self.enc_key(), iv)
            .ok()?
            .encrypt_padded_vec::<Pkcs7>(plaintext);
        let tag = self.mac(aad, iv, &ciphertext)?.finalize().into_bytes();
        Some((ciphertext, tag[..TAG_LEN].to_vec()))
    }

    /// Checks the tag in constant time, then decrypts; `None` when either fails.
    pub(super) fn open(
        &self,
        aad: &[u8],
        iv: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Option<Vec<u8>> {
        if iv.len() != IV_LEN || tag.len() != TAG_LEN {
            return None;
        }
        self.mac(aad, iv, ciphertext)?
            .verify_truncated_left(tag)
            .ok()?;
        cbc::Decryptor::<Aes256>::new_from_slices(self.enc_key(), iv)
            .ok()?
            .decrypt_padded_vec::<Pkcs7>(ciphertext)
            .ok()
    }
}
