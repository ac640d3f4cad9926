//! A minimal DER (X.690) reader: tag, definite length, contents. Just
//! enough to walk an X.509 certificate to its subject; every read is
//! bounds-checked and malformed input is an error, never a panic.

/// Input that is not well-formed DER (no details: it may be key material).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DerError;

/// `SEQUENCE`.
pub(crate) const SEQUENCE: u8 = 0x30;
/// `SET`.
pub(crate) const SET: u8 = 0x31;
/// `OBJECT IDENTIFIER`.
pub(crate) const OID: u8 = 0x06;
/// `[0]` constructed, context-specific (X.509 `version`).
pub(crate) const CONTEXT_0: u8 = 0xa0;

/// One element of a DER input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element<'a> {
    /// The (single-byte) tag.
    pub(crate) tag: u8,
    /// The contents octets.
    pub(crate) contents: &'a [u8],
    /// The whole encoding: tag, length and contents.
    pub(crate) raw: &'a [u8],
}

/// Reads one element from the front of `input`: the element and the rest.
pub(crate) fn read(whole: &[u8]) -> Result<(Element<'_>, &[u8]), DerError> {
    let (&tag, input) = whole.split_first().ok_or(DerError)?;
    if tag & 0x1f == 0x1f {
        // Multi-byte tags never appear in the structures read here.
        return Err(DerError);
    }
    let (&first, mut input) = input.split_first().ok_or(DerError)?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || input.len() < count {
            // 0x80 is BER's indefinite length, not DER.
            return Err(DerError);
        }
        let (bytes, rest) = input.split_at(count);
        input = rest;
        bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    if input.len() < length {
        return Err(DerError);
    }
    let (contents, rest) = input.split_at(length);
    let raw = &whole[..whole.len() - rest.len()];
    Ok((Element { tag, contents, raw }, rest))
}

/// Reads one element that must have `tag`.
pub(crate) fn expect(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), DerError> {
    let (element, rest) = read(input)?;
    if element.tag == tag {
        Ok((element.contents, rest))
    } else {
        Err(DerError)
    }
}

/// The elements of `contents`, in order.
pub(crate) fn elements(mut contents: &[u8]) -> Result<Vec<Element<'_>>, DerError> {
    let mut elements = Vec::new();
    while !contents.is_empty() {
        let (element, rest) = read(contents)?;
        elements.push(element);
        contents = rest;
    }
    Ok(elements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths_and_rejects_malformed_input() {
        let (element, rest) = read(&[0x04, 0x02, 0xaa, 0xbb, 0x05, 0x00]).unwrap();
        assert_eq!((element.tag, element.contents), (0x04, &[0xaa, 0xbb][..]));
        assert_eq!(rest, [0x05, 0x00]);

        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        let (element, rest) = read(&long).unwrap();
        assert_eq!(element.contents.len(), 0x80);
        assert!(rest.is_empty());
        assert_eq!(element.raw, &long[..]);

        for bad in [
            &[][..],
            &[0x04],
            &[0x04, 0x03, 0x00],
            &[0x04, 0x80, 0x00, 0x00],
            &[0x04, 0x85, 0, 0, 0, 0, 1],
            &[0x1f, 0x01, 0x00],
            &[0x04, 0x82, 0x01],
        ] {
            assert_eq!(read(bad).map(|_| ()), Err(DerError), "{bad:?}");
        }
        assert_eq!(expect(&[0x05, 0x00], SEQUENCE), Err(DerError));
        assert_eq!(elements(&[0x05, 0x00, 0x05, 0x00]).unwrap().len(), 2);
        assert!(elements(&[0x05, 0x00, 0x05]).is_err());
    }
}
