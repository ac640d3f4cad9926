//! The `xtask` binary end to end on temporary checkouts: exit codes, the
//! `--check` diff and fix command, and clear errors (no panic) for bad specs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn copy(from: &Path, to: &Path) {
    let Ok(meta) = std::fs::symlink_metadata(from) else {
        return;
    };
    if meta.file_type().is_symlink() {
        return;
    }
    if meta.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() != "target" {
                copy(&entry.path(), &to.join(entry.file_name()));
            }
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// The files the codegen reads and writes, in a fresh directory.
fn checkout(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for part in ["Cargo.toml", "specs", "src", "crates"] {
        copy(&workspace().join(part), &dir.join(part));
    }
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_passes_on_the_committed_tree() {
    let out = xtask(&workspace(), &["codegen", "--check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("up to date"));
}

#[test]
fn check_prints_a_unified_diff_and_the_fix_and_fails() {
    let root = checkout("cli-drift");
    let spec = root.join("specs/awx.yaml");
    let yaml = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, yaml.replace("credential_type", "credential_kind_id")).unwrap();

    let generated = root.join("crates/awx/src/generated/client.rs");
    let before = std::fs::read(&generated).unwrap();
    let out = xtask(&root, &["codegen", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read(&generated).unwrap(),
        before,
        "`--check` writes nothing"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("--- a/crates/awx/src/generated/client.rs (on disk)"),
        "{err}"
    );
    assert!(
        err.contains("+++ b/crates/awx/src/generated/client.rs (from specs)"),
        "{err}"
    );
    assert!(err.contains("@@ "), "{err}");
    assert!(err.contains("specs/awx.yaml: crates/awx/"), "{err}");
    assert!(err.contains("run `cargo xtask codegen` to fix"), "{err}");
    assert!(!err.contains("crates/tines/"), "only awx drifts: {err}");

    // `codegen` fixes it; `--check` is then clean.
    let out = xtask(&root, &["codegen"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("wrote crates/awx/src/generated/client.rs"));
    let out = xtask(&root, &["codegen", "--check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn check_notices_a_deleted_generated_file() {
    let root = checkout("cli-missing");
    std::fs::remove_file(root.join("crates/tines/src/generated/mock.rs")).unwrap();
    let out = xtask(&root, &["codegen", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("crates/tines/src/generated/mock.rs is missing"));
}

/// A generated file that no spec produces any more (one a generator
/// stopped writing, or the crate of a removed spec) fails `--check`, and
/// `codegen` deletes it; a hand-written file beside it is left alone.
#[test]
fn check_notices_generated_files_no_spec_produces_and_codegen_deletes_them() {
    let root = checkout("cli-stale");
    let renamed = root.join("crates/awx/examples/old_name.rs");
    std::fs::copy(root.join("crates/awx/examples/awx_mock.rs"), &renamed).unwrap();
    let gone = root.join("crates/retired");
    std::fs::create_dir_all(gone.join("src/generated")).unwrap();
    std::fs::copy(
        root.join("crates/tines/src/generated/meta.rs"),
        gone.join("src/generated/meta.rs"),
    )
    .unwrap();
    std::fs::copy(
        root.join("crates/tines/Cargo.toml"),
        gone.join("Cargo.toml"),
    )
    .unwrap();
    let mine = root.join("crates/awx/examples/hand_written.rs");
    std::fs::write(&mine, "// mine\nfn main() {}\n").unwrap();

    let out = xtask(&root, &["codegen", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    for stale in [
        "crates/awx/examples/old_name.rs",
        "crates/retired/src/generated/meta.rs",
        "crates/retired/Cargo.toml",
    ] {
        assert!(
            err.contains(&format!("{stale} is generated but no spec produces it")),
            "{stale}: {err}"
        );
    }
    assert!(!err.contains("hand_written.rs"), "{err}");
    assert!(renamed.exists(), "`--check` deletes nothing");

    let out = xtask(&root, &["codegen"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("removed crates/awx/examples/old_name.rs"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        !renamed.exists() && !gone.exists(),
        "stale files and their empty crate stay"
    );
    assert!(mine.exists(), "a hand-written file was deleted");
    std::fs::remove_file(&mine).unwrap();
    let out = xtask(&root, &["codegen", "--check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_bad_spec_is_reported_without_a_panic_and_nothing_is_written() {
    let root = checkout("cli-bad-spec");
    let spec = root.join("specs/tines.yaml");
    let yaml = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        yaml.replace(
            "operationId: get_credential",
            "operationId: [not, a, string]",
        ),
    )
    .unwrap();
    let before =
        std::fs::read_to_string(root.join("crates/tines/src/generated/client.rs")).unwrap();

    let out = xtask(&root, &["codegen"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "specs/tines.yaml: at /paths/~1api~1v1~1user_credentials~1{credential_id}/get/operationId:"
        ),
        "{err}"
    );
    assert!(err.contains("[rule operation-id-snake-case]"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    let after = std::fs::read_to_string(root.join("crates/tines/src/generated/client.rs")).unwrap();
    assert_eq!(before, after, "nothing is written when a spec is bad");
}

#[test]
fn unparsable_yaml_names_line_and_column() {
    let root = checkout("cli-yaml");
    std::fs::write(
        root.join("specs/ankra.yaml"),
        "openapi: 3.0.3\ninfo: [unclosed\n",
    )
    .unwrap();
    let out = xtask(&root, &["codegen", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    // The flow sequence opened on line 2 is still open at the end of the
    // input: line 3, column 1.
    assert!(
        err.contains("specs/ankra.yaml:3:1: at (document root): did not find expected ',' or ']'"),
        "{err}"
    );
    assert!(err.contains("[rule yaml-syntax]"), "{err}");
}

#[test]
fn unknown_arguments_exit_2_with_usage() {
    let out = xtask(&workspace(), &["codegen", "--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("usage: cargo xtask"));
}

/// The xtask works on the checkout it is run in (found from the current
/// directory), never on a path compiled into the binary: one binary run in
/// two copies regenerates each copy only.
#[test]
fn codegen_works_on_the_checkout_of_the_current_directory() {
    let a = checkout("root-a");
    let b = checkout("root-b");
    std::fs::write(a.join(".git-marker"), "").unwrap();
    for dir in [&a, &b] {
        std::fs::write(
            dir.join("Cargo.toml"),
            std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap(),
        )
        .unwrap();
    }
    std::fs::copy(
        workspace().join("tests/fixtures/acme-vault.yaml"),
        a.join("specs/acme-vault.yaml"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .current_dir(a.join("crates"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(a.join("crates/acme-vault/src/generated/client.rs").exists());
    assert!(!b.join("crates/acme-vault").exists());
    assert!(!workspace().join("crates/acme-vault").exists());
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check"])
        .current_dir(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}
