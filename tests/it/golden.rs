//! Golden tests: the committed generated code is exactly what the specs
//! produce, the comparison has teeth, and a new spec becomes a new crate.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// No subprocess of these tests runs longer (a cold build of the copied
/// workspaces included, on 2 cores).
const SUBPROCESS_TIMEOUT: Duration = Duration::from_secs(25 * 60);

/// `Command::output` with a deadline: the child is killed, and the test
/// fails with what it printed, when it runs longer.
trait OutputWithin {
    fn output_within(&mut self, limit: Duration) -> Output;
}

impl OutputWithin for Command {
    fn output_within(&mut self, limit: Duration) -> Output {
        let mut child = self
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the command starts");
        let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                if let Some(mut p) = pipe {
                    let _ = p.read_to_end(&mut buf);
                }
                buf
            })
        };
        let stdout = read(child.stdout.take().map(|p| Box::new(p) as _));
        let stderr = read(child.stderr.take().map(|p| Box::new(p) as _));
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("the command can be waited for") {
                break status;
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the command ran longer than {limit:?} and was killed:\n{}",
                    String::from_utf8_lossy(&stderr.join().unwrap_or_default())
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        Output {
            status,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_code_matches_the_specs() {
    let root = root();
    let outputs = xtask::generate(&root).unwrap_or_else(|e| panic!("{e}"));
    let drifts = xtask::check(&root, &outputs).unwrap();
    if !drifts.is_empty() {
        let diffs: String = drifts.iter().map(|d| d.diff.as_str()).collect();
        panic!(
            "{diffs}\n{} generated file(s) differ from specs/:\n{}run `{}` and commit the result",
            drifts.len(),
            xtask::drift_summary(&drifts),
            xtask::FIX_COMMAND
        );
    }
    // Every spec has its crate.
    let specs = xtask::discover_specs(&root).unwrap();
    assert!(!specs.is_empty());
    for spec in &specs {
        let stem = spec.file_stem().unwrap().to_str().unwrap();
        assert!(
            outputs
                .iter()
                .any(|o| o.path == format!("crates/{stem}/src/generated/client.rs")),
            "{stem}"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let a = xtask::generate(&root()).unwrap();
    let b = xtask::generate(&root()).unwrap();
    assert_eq!(a, b);
}

/// Copy what the codegen and cargo need into a fresh directory.
fn copy_workspace(name: &str) -> PathBuf {
    let dest = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dest);
    std::fs::create_dir_all(&dest).unwrap();
    let src = root();
    for entry in [
        "Cargo.toml",
        "Cargo.lock",
        "rust-toolchain.toml",
        ".cargo",
        "crates",
        "specs",
        "src",
        "xtask",
        "tests",
        // The fuzz target's checks, compiled into tests/it (fuzz_target.rs).
        "fuzz/src",
    ] {
        copy(&src.join(entry), &dest.join(entry));
    }
    dest
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() == "target" {
                continue;
            }
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else if from.exists() {
        std::fs::copy(from, to).unwrap();
    }
}

/// Copies a file with its modification time (cargo compares the times of
/// a unit's outputs with its dependencies').
fn copy_file(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(from, to)?;
    let modified = std::fs::metadata(from)?.modified()?;
    std::fs::File::options()
        .write(true)
        .open(to)?
        .set_times(std::fs::FileTimes::new().set_modified(modified))
}

#[test]
fn check_fails_and_names_the_crate_when_a_spec_changes() {
    let tmp = copy_workspace("golden-teeth");
    let spec = tmp.join("specs/tines.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    // Rename one response field.
    assert!(text.contains("shared_team_slugs"));
    std::fs::write(
        &spec,
        text.replace("shared_team_slugs", "shared_team_handles"),
    )
    .unwrap();

    let outputs = xtask::generate(&tmp).unwrap();
    let drifts = xtask::check(&tmp, &outputs).unwrap();
    assert!(!drifts.is_empty(), "a changed spec must be noticed");
    assert!(
        drifts
            .iter()
            .all(|d| d.source.as_deref() == Some("specs/tines.yaml")),
        "only the tines crate drifts: {drifts:#?}"
    );
    let client = drifts
        .iter()
        .find(|d| d.path == "crates/tines/src/generated/client.rs")
        .expect("the tines client drifts");
    assert!(
        client.diff.lines().any(|l| l.starts_with('+')
            && !l.starts_with("+++")
            && l.contains("shared_team_handles"))
            && client.diff.lines().any(|l| l.starts_with('-')
                && !l.starts_with("---")
                && l.contains("shared_team_slugs")),
        "{}",
        client.diff
    );
    assert!(xtask::drift_summary(&drifts).contains("specs/tines.yaml"));

    // After writing, the check is clean again.
    xtask::write(&tmp, &outputs).unwrap();
    assert_eq!(xtask::check(&tmp, &outputs).unwrap(), vec![]);
}

/// The sixth-spec and vendor-corpus tests below share one copy of the
/// workspace, built in two steps in the same directory and target
/// directory: first with the sixth spec (the table-driven suites and
/// credctl's run there), then with the vendor specs added (the mocks round
/// trip). The second step recompiles only what the vendor specs change
/// (their crates, the facade and its test binary): the runtime, xtask, the
/// five clients and the sixth are built by the first, and the dependencies
/// come from the outer run ([`seed_copy_target_dir`]). Two copies built
/// every workspace crate twice (and every dependency once more than the
/// outer run), one waiting for the other on the target directory's lock.
///
/// The vendor specs are added in the second step so that the first shows
/// the sixth spec alone is enough. Both steps run every table-driven suite;
/// a vendor's document need not have bodies like ours (Conjur's
/// `text/plain` secret, Airflow's all-optional fields and no error
/// examples, Vault's missing security scheme, Kubernetes' protobuf
/// alternative), so each suite derives what to expect from the spec
/// (`providers::SuccessBody`, `providers::ErrorBody`) and says which case
/// does not apply to which provider and why.
struct CorpusSteps {
    /// `Err`: what made the sixth-spec step fail.
    sixth: Result<(), String>,
    /// `Err`: what made the vendor step fail.
    vendors: Result<(), String>,
}

/// Runs both steps once, for whichever of the two tests asks first (the
/// other waits for it).
fn corpus_steps() -> &'static CorpusSteps {
    static STEPS: OnceLock<CorpusSteps> = OnceLock::new();
    STEPS.get_or_init(|| {
        let tmp = match caught(|| copy_workspace("golden-corpus")) {
            Ok(tmp) => tmp,
            Err(e) => {
                return CorpusSteps {
                    sixth: Err(e.clone()),
                    vendors: Err(e),
                };
            }
        };
        seed_copy_target_dir();
        let sixth = caught(|| sixth_spec_step(&tmp));
        let vendors = caught(|| vendor_specs_step(&tmp)).map_err(|e| match &sixth {
            Ok(()) => e,
            Err(_) => format!("{e}\n(the sixth-spec step before it failed too)"),
        });
        CorpusSteps { sixth, vendors }
    })
}

/// `f()`, or the message it panicked with.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

/// The target directory of the copy. Not the outer one: a copy's crates
/// have the same names and paths relative to their workspace, so they
/// would overwrite the outer run's libraries that its doctests link
/// against (and its `credctl` binary that credctl's tests run).
fn copy_target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("vendor-target")
}

/// `cargo` in the copy, with its own target directory (seeded by
/// [`seed_copy_target_dir`]; the profile and the environment are the outer
/// run's, so that the seeded dependencies match).
fn cargo_in(tmp: &Path) -> Command {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(tmp)
        .env("CARGO_TARGET_DIR", copy_target_dir());
    cargo
}

/// Gives the copy's target directory what the outer run has compiled of
/// the dependencies (libraries, proc macros, build scripts and their
/// outputs, with fingerprints and modification times), so that cargo in
/// the copy compiles the workspace's crates only, not the dependency tree
/// a second time (the same lock file, profile, environment and features
/// give the same units). A cache only: cargo decides what is fresh, and
/// nothing is written to the outer target directory. The workspace's own
/// crates are left out: a copy's crates get other hashes. Without the
/// default layout (`<target>/<profile>/deps/<test binary>`) nothing is
/// copied and the copy builds everything.
fn seed_copy_target_dir() {
    let members = workspace_packages();
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let Some(profile) = exe.parent().and_then(Path::parent) else {
        return;
    };
    let (Some(name), Ok(fingerprints)) = (
        profile.file_name(),
        std::fs::read_dir(profile.join(".fingerprint")),
    ) else {
        return;
    };
    let dest = copy_target_dir().join(name);
    let mut hashes = HashSet::new();
    for entry in fingerprints.flatten() {
        let unit = entry.file_name().to_string_lossy().into_owned();
        let Some((package, hash)) = unit.rsplit_once('-') else {
            continue;
        };
        // Libraries, proc macros and build scripts; not test or bin targets.
        let reusable = !members.iter().any(|m| m == package)
            && std::fs::read_dir(entry.path())
                .into_iter()
                .flatten()
                .flatten()
                .any(|f| {
                    let f = f.file_name();
                    let f = f.to_string_lossy();
                    f.starts_with("lib-") || f.contains("build-script-")
                });
        if reusable {
            hashes.insert(hash.to_string());
            copy_changed(&entry.path(), &dest.join(".fingerprint").join(&unit));
            copy_changed(
                &profile.join("build").join(&unit),
                &dest.join("build").join(&unit),
            );
        }
    }
    let _ = std::fs::create_dir_all(dest.join("deps"));
    for entry in std::fs::read_dir(profile.join("deps"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let file = entry.file_name().to_string_lossy().into_owned();
        let stem = file.split('.').next().unwrap_or_default();
        if stem
            .rsplit_once('-')
            .is_some_and(|(_, h)| hashes.contains(h))
        {
            copy_changed(&entry.path(), &dest.join("deps").join(&file));
        }
    }
}

/// The package names of this workspace (the root's, `xtask`'s and those
/// of `crates/*`).
fn workspace_packages() -> Vec<String> {
    let root = root();
    let manifests = std::fs::read_dir(root.join("crates"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("Cargo.toml"))
        .chain([root.join("Cargo.toml"), root.join("xtask/Cargo.toml")]);
    manifests
        .filter_map(|m| std::fs::read_to_string(m).ok())
        .filter_map(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"'))
                .map(str::to_string)
        })
        .collect()
}

/// Copies `from` (a file or a directory tree) to `to` with modification
/// times, skipping files already there with the same size and time.
fn copy_changed(from: &Path, to: &Path) {
    let Ok(meta) = std::fs::metadata(from) else {
        return;
    };
    if meta.is_dir() {
        let _ = std::fs::create_dir_all(to);
        for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
            copy_changed(&entry.path(), &to.join(entry.file_name()));
        }
        return;
    }
    let same = std::fs::metadata(to)
        .is_ok_and(|t| t.len() == meta.len() && t.modified().ok() == meta.modified().ok());
    if !same && copy_file(from, to).is_err() {
        let _ = std::fs::remove_file(to);
    }
}

#[test]
fn a_sixth_spec_becomes_a_crate_a_feature_and_a_module_that_compile() {
    if let Err(e) = &corpus_steps().sixth {
        panic!("{e}");
    }
}

/// The first step of [`corpus_steps`]: the sixth spec becomes a crate, a
/// feature and a module; every table-driven suite covers it.
fn sixth_spec_step(tmp: &Path) {
    std::fs::copy(
        root().join("tests/fixtures/acme-vault.yaml"),
        tmp.join("specs/acme-vault.yaml"),
    )
    .unwrap();
    let outputs = xtask::generate(tmp).unwrap();
    let written = xtask::write(tmp, &outputs).unwrap();
    for f in [
        "crates/acme-vault/Cargo.toml",
        "crates/acme-vault/src/lib.rs",
        "crates/acme-vault/src/generated/client.rs",
        "crates/acme-vault/src/generated/meta.rs",
        "crates/acme-vault/examples/acme_vault_mock.rs",
        "src/generated/providers.rs",
        "Cargo.toml",
    ] {
        assert!(
            written.iter().any(|w| w == f),
            "{f} not written: {written:?}"
        );
    }
    let providers = std::fs::read_to_string(tmp.join("src/generated/providers.rs")).unwrap();
    assert!(
        providers
            .contains("#[cfg(feature = \"acme-vault\")]\npub use acme_vault_client as acme_vault;"),
        "{providers}"
    );
    let manifest = std::fs::read_to_string(tmp.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("acme-vault = [\"dep:acme-vault-client\"]"),
        "{manifest}"
    );
    assert!(
        manifest.contains("default = [\"acme-vault\", "),
        "{manifest}"
    );
    // The old crates are untouched.
    assert!(
        !written.iter().any(|w| w.starts_with("crates/tines/")),
        "{written:?}"
    );

    // The facade with the new provider compiles, and a use of it runs over
    // HTTP: the spec's request-id header is sent (the same id on every
    // attempt) and its vendor retry rule (409 with body code `Busy`) is
    // applied, with no Rust written for either. In the same build, the
    // suites that iterate the provider table run, and each must report the
    // new provider: contract, hostile, fuzz decoding, the fuzz target's
    // table, example round trips, mocks; then credctl's.
    std::fs::write(tmp.join("tests/it/sixth_provider.rs"), SIXTH_PROVIDER_TEST).unwrap();
    // Only the modules run here are compiled in the copy, in both packages.
    std::fs::write(tmp.join("tests/it/main.rs"), SIXTH_SPEC_MODULES).unwrap();
    std::fs::write(
        tmp.join("crates/credctl/tests/it/main.rs"),
        CREDCTL_SIXTH_SPEC_MODULES,
    )
    .unwrap();
    // One cargo run for both packages' test binaries (`it` each): the
    // filters of one match no test of the other.
    let mut args = vec![
        "test",
        "--offline",
        "-p",
        "credential-clients",
        "-p",
        "credctl",
        "--all-features",
        "--test",
        "it",
        "--",
        "--nocapture",
        "--test-threads=2",
        "sixth_provider::",
    ];
    args.extend(SUITES_OF_THE_TABLE);
    args.extend(CREDCTL_SUITES_OF_THE_TABLE);
    let out = cargo_in(tmp).args(&args).output_within(SUBPROCESS_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the new crate does not work:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("sixth_provider::the_spec_quirks_apply_with_no_rust_written ... ok"),
        "the sixth provider's test did not run:\n{stdout}"
    );
    for suite in SUITES_OF_THE_TABLE {
        assert_covers(&stdout, suite, suite, "acme-vault");
    }
    for test in CREDCTL_SUITES_OF_THE_TABLE {
        assert_covers(&stdout, &format!("credctl::{test}"), test, "acme-vault");
    }
    // And the regenerated workspace is clean.
    assert_eq!(xtask::check(tmp, &outputs).unwrap(), vec![]);
}

/// The tests of `tests/it` that iterate every provider (each prints
/// `covered <test>: <stems>`), run in the sixth-spec copy.
const SUITES_OF_THE_TABLE: &[&str] = &[
    "providers::the_provider_table_is_every_spec",
    "contract::every_provider_every_documented_status",
    "contract::a_custom_user_agent_replaces_the_default_for_every_provider",
    "hostile::truncated_json",
    "hostile::html_instead_of_json",
    "hostile::a_valid_body_under_the_wrong_content_type_is_accepted",
    "hostile::empty_body_with_200",
    "hostile::twenty_megabyte_valid_body_is_parsed",
    "hostile::twenty_megabyte_invalid_body_is_refused_without_printing_it",
    "hostile::twenty_megabytes_exceed_the_default_cap",
    "hostile::invalid_utf8_in_a_typed_string_is_refused",
    "hostile::invalid_utf8_in_an_unknown_member_never_panics",
    "hostile::json_of_the_wrong_shape",
    "hostile::an_array_as_an_error_body",
    "hostile::trailing_bytes_after_the_json",
    "hostile::deeply_nested_json_does_not_overflow_the_stack",
    "hostile::an_error_status_with_an_html_body_keeps_status_and_body",
    "hostile::nonstandard_status_codes_are_unexpected",
    "hostile::the_connection_closes_mid_body",
    "hostile::the_connection_closes_without_an_answer",
    "hostile::a_server_slower_than_the_timeout",
    "hostile::a_body_that_stalls_after_the_headers",
    "hostile::garbage_instead_of_an_http_response",
    "hostile::raw_framing_variants",
    "http_runtime::paths::no_path_parameter_of_any_provider_can_change_the_route",
    "fuzz_decode::every_provider_decoders_never_panic",
    "fuzz_decode::every_provider_runtime_decoder_over_http",
    "fuzz_target::the_fuzz_target_covers_every_provider",
    "spec_examples::every_provider_examples_round_trip",
    "mocks::every_provider_round_trips_its_credential_example",
];

/// `tests/it/main.rs` of the sixth-spec copy: the modules of
/// [`SUITES_OF_THE_TABLE`] and the sixth provider's own test.
const SIXTH_SPEC_MODULES: &str = "#![allow(dead_code)]
mod contract;
mod fuzz_decode;
mod fuzz_target;
mod hostile;
mod http_runtime;
mod mocks;
mod providers;
mod sixth_provider;
mod spec_examples;
mod support;
";

/// credctl's tests that iterate every provider.
const CREDCTL_SUITES_OF_THE_TABLE: &[&str] = &[
    "schema_demo::schema_lists_the_specs_credential_properties",
    "schema_demo::demo_prints_every_provider_from_local_mocks",
];

/// `crates/credctl/tests/it/main.rs` of the copy: the module of
/// [`CREDCTL_SUITES_OF_THE_TABLE`] (the others are not run there).
const CREDCTL_SIXTH_SPEC_MODULES: &str = "#![allow(dead_code)]
mod schema_demo;
mod support;
";

/// `stdout` has the line `covered <suite>: ...` naming `stem`, and `test`
/// passed.
fn assert_covers(stdout: &str, suite: &str, test: &str, stem: &str) {
    let prefix = format!("covered {suite}: ");
    let line = stdout
        .lines()
        .find_map(|l| l.find(&prefix).map(|i| &l[i + prefix.len()..]))
        .unwrap_or_else(|| panic!("{suite} did not run:\n{stdout}"));
    assert!(
        line.split(", ").any(|s| s == stem),
        "{suite} did not cover {stem}: {line}"
    );
    assert!(
        stdout.contains(&format!("{test} ... ok")),
        "{test} did not pass:\n{stdout}"
    );
}

/// `suite` (a test of the facade's binary, or a case of the hostile
/// suite) passed and covered `stem` or said why it does not apply to it
/// (`not applicable <suite>: <stem> (<why>)`).
fn assert_covers_or_explains(stdout: &str, suite: &str, stem: &str) {
    let line = |prefix: String| {
        stdout
            .lines()
            .find_map(|l| l.find(&prefix).map(|i| l[i + prefix.len()..].to_string()))
    };
    let covered = line(format!("covered {suite}: "))
        .unwrap_or_else(|| panic!("{suite} did not run:\n{stdout}"));
    let explained = line(format!("not applicable {suite}: ")).unwrap_or_default();
    assert!(
        covered.split(", ").any(|s| s == stem) || explained.contains(&format!("{stem} (")),
        "{suite} neither covered {stem} nor said why not: {covered}"
    );
    assert!(
        stdout.contains(&format!("{suite} ... ok")),
        "{suite} did not pass:\n{stdout}"
    );
}

/// Real vendors' published OpenAPI documents (tests/fixtures/vendor-specs,
/// origins in ORIGINS.md), each cut to its credential GET with the vendor's
/// schemas unchanged, dropped into a copy of the workspace with zero hand
/// edits: every one generates, compiles, and round-trips its credential
/// example through its typed client over HTTP against its generated mock.
#[test]
fn real_vendor_specs_become_working_clients() {
    if let Err(e) = &corpus_steps().vendors {
        panic!("{e}");
    }
}

/// The second step of [`corpus_steps`], in the copy that already has the
/// sixth spec: the vendor specs are added next to it.
fn vendor_specs_step(tmp: &Path) {
    let fixtures = root().join("tests/fixtures/vendor-specs");
    let mut stems = Vec::new();
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path.file_name().unwrap();
            std::fs::copy(&path, tmp.join("specs").join(name)).unwrap();
            stems.push(path.file_stem().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(stems.len() >= 8, "{stems:?}");
    let outputs = xtask::generate(tmp).unwrap_or_else(|e| panic!("{e}"));
    xtask::write(tmp, &outputs).unwrap();
    // Every table-driven suite of the facade (`tests/it/main.rs` is still
    // the first step's) and credctl's (`schema`, `demo`) compile and pass
    // with every vendor spec in `specs/`. Each suite covers every vendor
    // provider, or says why a case does not apply to it (a case about
    // malformed JSON for Conjur's text secret).
    let mut args = vec![
        "test",
        "--offline",
        "-p",
        "credential-clients",
        "-p",
        "credctl",
        "--all-features",
        "--test",
        "it",
        "--",
        "--nocapture",
        "--test-threads=2",
    ];
    args.extend(SUITES_OF_THE_TABLE);
    args.extend(CREDCTL_SUITES_OF_THE_TABLE);
    let out = cargo_in(tmp).args(&args).output_within(SUBPROCESS_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for suite in SUITES_OF_THE_TABLE {
        for stem in &stems {
            assert_covers_or_explains(&stdout, suite, stem);
        }
    }
    for test in CREDCTL_SUITES_OF_THE_TABLE {
        for stem in &stems {
            assert_covers(&stdout, &format!("credctl::{test}"), test, stem);
        }
    }
}

/// The test written into the copied workspace for the sixth provider.
const SIXTH_PROVIDER_TEST: &str = r##"
use std::io::{Read, Write};

/// Answers the first request with 409 `{"error":{"code":"Busy"}}` and the
/// second with the credential; returns the request heads it saw.
fn serve_two() -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut heads = Vec::new();
        for (i, stream) in listener.incoming().take(2).enumerate() {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 8192];
            let n = stream.read(&mut buf).unwrap();
            heads.push(String::from_utf8_lossy(&buf[..n]).to_lowercase());
            let (status, body) = if i == 0 {
                ("409 Conflict", r#"{"error":{"code":"Busy"}}"#.to_string())
            } else {
                ("200 OK", r#"{"name":"db","kind":"static","password":"hunter2"}"#.to_string())
            };
            write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        }
        heads
    });
    (url, handle)
}

#[tokio::test]
async fn the_spec_quirks_apply_with_no_rust_written() {
    let api = &credential_clients::acme_vault::API;
    assert_eq!(api.request_id.map(|r| r.name), Some("x-acme-request-id"));
    assert_eq!(api.retry.body_codes[0].codes, ["Busy"]);
    let (url, server) = serve_two();
    let client = credential_clients::acme_vault::Client::builder()
        .base_url(url)
        .bearer_token("t")
        .build()
        .unwrap();
    let request = client
        .read_credential()
        .name("db")
        .x_acme_session_token("hdr-secret-value");
    let shown = format!("{request:?}");
    assert!(!shown.contains("hdr-secret-value"), "{shown}");
    let credential = request.send().await.unwrap();
    assert_eq!(credential.name, "db");
    let heads = server.join().unwrap();
    assert_eq!(heads.len(), 2, "the 409 with body code Busy was retried");
    let ids: Vec<&str> = heads
        .iter()
        .map(|h| {
            h.lines()
                .find_map(|l| l.strip_prefix("x-acme-request-id: "))
                .expect("the request id header is sent")
        })
        .collect();
    assert_eq!(ids[0], ids[1], "one id per call, kept across retries");
    assert!(
        heads[0].contains("x-acme-session-token: hdr-secret-value"),
        "a secret header parameter is sent with its real value: {}",
        heads[0]
    );
    assert_eq!(ids[0].len(), 32);
}

/// The sixth spec's list operation pages by a cursor in the body: its
/// generated `stream()` follows it with no Rust written.
#[tokio::test]
async fn the_spec_pagination_applies_with_no_rust_written() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let mut heads = Vec::new();
        for (i, stream) in listener.incoming().take(2).enumerate() {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 8192];
            let n = stream.read(&mut buf).unwrap();
            heads.push(String::from_utf8_lossy(&buf[..n]).to_string());
            let body = if i == 0 {
                r#"{"data":[{"name":"a"},{"name":"b"}],"page":{"next_cursor":"c2"}}"#
            } else {
                r#"{"data":[{"name":"c"}],"page":{"next_cursor":null}}"#
            };
            write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        }
        heads
    });
    let client = credential_clients::acme_vault::Client::builder()
        .base_url(url)
        .bearer_token("t")
        .build()
        .unwrap();
    assert_eq!(credential_clients::acme_vault::API.list_operation, Some("list_credentials"));
    let names: Vec<String> = client
        .list_credentials()
        .stream()
        .page_size(2)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    let heads = server.join().unwrap();
    assert!(heads[0].starts_with("GET /v2/credentials?size=2 "), "{}", heads[0]);
    assert!(heads[1].starts_with("GET /v2/credentials?size=2&cursor=c2 "), "{}", heads[1]);
}
"##;

/// The README's test command is `cargo test --workspace --all-features`:
/// without the `mock` feature the mock suites and README doctests would be
/// skipped silently, so a run without it fails here, saying how to run it.
#[test]
fn the_test_command_enables_the_mock_suites() {
    let enabled = [cfg!(feature = "mock"), cfg!(feature = "cli")];
    assert!(
        enabled.iter().all(|on| *on),
        "run `cargo test --workspace --all-features` (README.md): without `mock` and `cli` \
         the mock round trips and README doctests are not compiled"
    );
}
