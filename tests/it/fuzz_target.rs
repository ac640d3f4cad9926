//! The cargo-fuzz target (`fuzz/fuzz_targets/decode.rs`) runs the checks of
//! `fuzz/src/lib.rs`, compiled here too: its provider table is every
//! provider of the workspace (`with_providers!`), each selector byte
//! reaches its provider, and the checks pass on every spec example, cut
//! short and damaged. (The millions of executions are a manual run: see
//! fuzz/README.md.)

#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_lib;

use crate::providers;

#[test]
fn the_fuzz_target_covers_every_provider() {
    let stems: Vec<&str> = fuzz_lib::PROVIDERS.iter().map(|(stem, _)| *stem).collect();
    assert_eq!(stems, providers::stems());
    for (i, p) in providers::all().iter().enumerate() {
        // The selector byte, also past the number of providers.
        for selector in [i, i + stems.len(), i + 7 * stems.len()] {
            let selector = u8::try_from(selector).unwrap();
            assert_eq!(fuzz_lib::provider_of(selector).0, p.stem, "{selector}");
        }
        let example = serde_json::to_vec(&p.example()).unwrap();
        let mut inputs = vec![example.clone(), b"{}".to_vec(), b"[".to_vec(), vec![]];
        for cut in [1, example.len() / 2, example.len().saturating_sub(1)] {
            inputs.push(example[..cut].to_vec());
        }
        let mut damaged = example.clone();
        if let Some(b) = damaged.get_mut(example.len() / 3) {
            *b = 0xff;
        }
        inputs.push(damaged);
        for input in inputs {
            let data = [&[u8::try_from(i).unwrap()][..], &input].concat();
            fuzz_lib::check_any(&data);
        }
        // The example itself parses as the credential (the checks ran past
        // the first byte).
        assert!((p.decode_credential)(&example).is_ok(), "{p:?}");
    }
    fuzz_lib::check_any(&[]);
    providers::covered("fuzz_target::the_fuzz_target_covers_every_provider", &stems);
}
