//! A slow, test-only textbook RSA (RSASSA-PKCS1-v1_5, SHA-256) for the
//! 1024-bit key of Oracle's published signing vector, which aws-lc-rs
//! (rightly) refuses. Not constant time; never compiled outside tests.

use aws_lc_rs::digest;
use aws_lc_rs::signature::RsaPublicKeyComponents;

use super::pem::Block;

/// An RSA private key as little-endian `u32` limbs.
pub(crate) struct ReferenceRsa {
    n: Vec<u32>,
    e: Vec<u8>,
    d: Vec<u32>,
    modulus_len: usize,
}

/// Reads one DER element: (tag, contents, rest).
fn der_element(input: &[u8]) -> (u8, &[u8], &[u8]) {
    let (tag, first) = (input[0], input[1]);
    let (length, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let count = usize::from(first & 0x7f);
        let length = input[2..2 + count]
            .iter()
            .fold(0, |acc, &b| (acc << 8) | usize::from(b));
        (length, 2 + count)
    };
    (
        tag,
        &input[header..header + length],
        &input[header + length..],
    )
}

fn der_integers(sequence: &[u8]) -> Vec<&[u8]> {
    let (tag, mut contents, _) = der_element(sequence);
    assert_eq!(tag, 0x30);
    let mut integers = Vec::new();
    while !contents.is_empty() {
        let (tag, value, rest) = der_element(contents);
        assert_eq!(tag, 0x02);
        let zeros = value.iter().take_while(|&&b| b == 0).count();
        integers.push(&value[zeros..]);
        contents = rest;
    }
    integers
}

fn limbs(big_endian: &[u8], count: usize) -> Vec<u32> {
    let mut limbs = vec![0u32; count];
    for (i, &byte) in big_endian.iter().rev().enumerate() {
        limbs[i / 4] |= u32::from(byte) << (8 * (i % 4));
    }
    limbs
}

fn greater_or_equal(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

fn subtract_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u64;
    for (x, &y) in a.iter_mut().zip(b) {
        let difference = u64::from(*x)
            .wrapping_sub(u64::from(y))
            .wrapping_sub(borrow);
        *x = difference as u32;
        borrow = (difference >> 63) & 1;
    }
}

impl ReferenceRsa {
    pub(crate) fn from_pem(pem: &str) -> ReferenceRsa {
        let block = Block::first(pem).expect("test key PEM");
        let der = block.decode().expect("test key PEM").0.clone();
        let pkcs1 = match block.label {
            "RSA PRIVATE KEY" => der,
            _ => {
                // PrivateKeyInfo: SEQUENCE { version, algorithm, OCTET STRING key }
                let (_, contents, _) = der_element(&der);
                let (_, _, rest) = der_element(contents);
                let (_, _, rest) = der_element(rest);
                let (tag, key, _) = der_element(rest);
                assert_eq!(tag, 0x04);
                key.to_vec()
            }
        };
        // RSAPrivateKey: SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv }
        let integers = der_integers(&pkcs1);
        let (n, e, d) = (integers[1], integers[2], integers[3]);
        let count = n.len().div_ceil(4);
        ReferenceRsa {
            n: limbs(n, count),
            e: e.to_vec(),
            d: limbs(d, count),
            modulus_len: n.len(),
        }
    }

    pub(crate) fn public_key(&self) -> RsaPublicKeyComponents<Vec<u8>> {
        let mut n: Vec<u8> = self.n.iter().rev().flat_map(|l| l.to_be_bytes()).collect();
        n.drain(..n.len() - self.modulus_len);
        RsaPublicKeyComponents {
            n,
            e: self.e.clone(),
        }
    }

    /// Montgomery product `a * b / R mod n` (CIOS).
    fn montgomery_multiply(&self, a: &[u32], b: &[u32], n_prime: u32) -> Vec<u32> {
        let (n, s) = (&self.n, self.n.len());
        let mut t = vec![0u32; s + 2];
        for &b_i in b {
            let mut carry = 0u64;
            for j in 0..s {
                let x = u64::from(t[j]) + u64::from(a[j]) * u64::from(b_i) + carry;
                t[j] = x as u32;
                carry = x >> 32;
            }
            let x = u64::from(t[s]) + carry;
            t[s] = x as u32;
            t[s + 1] = (x >> 32) as u32;
            let m = t[0].wrapping_mul(n_prime);
            let mut carry = (u64::from(t[0]) + u64::from(m) * u64::from(n[0])) >> 32;
            for j in 1..s {
                let x = u64::from(t[j]) + u64::from(m) * u64::from(n[j]) + carry;
                t[j - 1] = x as u32;
                carry = x >> 32;
            }
            let x = u64::from(t[s]) + carry;
            t[s - 1] = x as u32;
            t[s] = t[s + 1] + (x >> 32) as u32;
        }
        let overflow = t[s] != 0;
        t.truncate(s);
        if overflow || greater_or_equal(&t, n) {
            subtract_in_place(&mut t, n);
        }
        t
    }

    /// `base^d mod n`.
    fn private_operation(&self, base: &[u32]) -> Vec<u32> {
        let (n, s) = (&self.n, self.n.len());
        // n' = -n^-1 mod 2^32, by Newton's iteration.
        let mut inverse = 1u32;
        for _ in 0..5 {
            inverse = inverse.wrapping_mul(2u32.wrapping_sub(n[0].wrapping_mul(inverse)));
        }
        let n_prime = inverse.wrapping_neg();
        // R^2 mod n, R = 2^(32 s), by doubling 1.
        let mut r2 = vec![0u32; s];
        r2[0] = 1;
        for _ in 0..64 * s {
            let mut carry = 0u32;
            for limb in r2.iter_mut() {
                let next = *limb >> 31;
                *limb = (*limb << 1) | carry;
                carry = next;
            }
            if carry != 0 || greater_or_equal(&r2, n) {
                subtract_in_place(&mut r2, n);
            }
        }
        let mut one = vec![0u32; s];
        one[0] = 1;
        let base = self.montgomery_multiply(base, &r2, n_prime);
        let mut accumulator = self.montgomery_multiply(&one, &r2, n_prime);
        for limb in self.d.iter().rev() {
            for bit in (0..32).rev() {
                accumulator = self.montgomery_multiply(&accumulator, &accumulator, n_prime);
                if (limb >> bit) & 1 == 1 {
                    accumulator = self.montgomery_multiply(&accumulator, &base, n_prime);
                }
            }
        }
        self.montgomery_multiply(&accumulator, &one, n_prime)
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256.
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        const DIGEST_INFO: [u8; 19] = [
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        let k = self.modulus_len;
        let hash = digest::digest(&digest::SHA256, message);
        let mut encoded = vec![0xffu8; k];
        encoded[0] = 0;
        encoded[1] = 1;
        encoded[k - 52] = 0;
        encoded[k - 51..k - 32].copy_from_slice(&DIGEST_INFO);
        encoded[k - 32..].copy_from_slice(hash.as_ref());
        let signature = self.private_operation(&limbs(&encoded, self.n.len()));
        let mut bytes: Vec<u8> = signature
            .iter()
            .rev()
            .flat_map(|l| l.to_be_bytes())
            .collect();
        bytes.drain(..bytes.len() - k);
        bytes
    }
}
