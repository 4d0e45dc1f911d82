//! Every pricing vector in `tests/vectors/` (the repository's copy of
//! `spec/vectors/`): outputs compared field by field as exact strings, errors by
//! `code` and `field`. New files are picked up as they are.

mod common;

use common::serde_cart;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn vector_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// The output as the vectors state it: `calculationErrors` are compared by code only.
fn comparable(mut output: Value) -> Value {
    if let Some(errors) = output
        .get_mut("calculationErrors")
        .and_then(Value::as_array_mut)
    {
        for e in errors {
            if let Some(obj) = e.as_object_mut() {
                obj.retain(|k, _| k == "code");
            }
        }
    }
    output
}

/// Runs one vector; `Err` describes the difference.
fn check(vector: &Value) -> Result<(), String> {
    let input = serde_json::to_string(&vector["input"]).unwrap();
    // the JSON reader answers as the serde reader of the same types
    match (
        checkout_pricing::Cart::from_json(&input),
        serde_cart(&input),
    ) {
        (Ok(a), Ok(b)) if a == b => {}
        (Err(a), Err(b)) if (a.code, &a.field) == (b.code, &b.field) => {}
        (a, b) => return Err(format!("the JSON and serde readers differ: {a:?} / {b:?}")),
    }
    match (
        checkout_pricing::price_json(&input),
        vector.get("output"),
        vector.get("error"),
    ) {
        (Ok(out), Some(expected), None) => {
            let got: Value = serde_json::from_str(&out).unwrap();
            // the live engine's summary is the full pricing's, field for field
            let cart = checkout_pricing::Cart::from_json(&input).unwrap();
            let summary: Value = serde_json::from_str(&cart.summary_json()).unwrap();
            for (key, value) in summary.as_object().unwrap() {
                let mut full = got[key].clone();
                if key == "appliedDiscounts" {
                    // the summary leaves out which lines each discount covers
                    for d in full.as_array_mut().unwrap() {
                        d.as_object_mut().unwrap().remove("lineItemIds");
                    }
                }
                if &full != value {
                    return Err(format!(
                        "the summary's {key} differs: {value} against {}",
                        got[key]
                    ));
                }
            }
            let got = comparable(got);
            if &got == expected {
                Ok(())
            } else {
                Err(format!(
                    "output differs\n  expected {expected}\n  got      {got}"
                ))
            }
        }
        (Err(e), None, Some(expected)) => {
            if expected["code"] == e.code.as_str() && expected["field"] == e.field.as_str() {
                Ok(())
            } else {
                Err(format!(
                    "expected error {expected}, got {} at {:?}",
                    e.code, e.field
                ))
            }
        }
        (Ok(out), None, Some(expected)) => {
            Err(format!("expected error {expected}, got output {out}"))
        }
        (Err(e), Some(_), None) => Err(format!("expected an output, got error {e}")),
        _ => Err("a vector has exactly one of `output` and `error`".into()),
    }
}

#[test]
fn every_vector_passes() {
    let files = vector_files(&repo_root().join("tests/vectors"));
    assert!(
        files.len() >= 89,
        "expected the spec's vectors, found {}",
        files.len()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let vector: Value = serde_json::from_str(&fs::read_to_string(f).unwrap()).unwrap();
            check(&vector)
                .err()
                .map(|why| format!("{}: {why}", f.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} vectors fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// The repository's copy equals the spec's folder, when the spec is beside the clone.
#[test]
fn vectors_match_the_spec() {
    let spec = repo_root().join("../shared/spec/vectors");
    if !spec.is_dir() {
        // a clone of the repository alone has no spec beside it; CI does (.ci/run sets REQUIRE_SPEC)
        assert!(
            std::env::var_os("REQUIRE_SPEC").is_none(),
            "REQUIRE_SPEC is set and {} is missing",
            spec.display()
        );
        eprintln!("no {}: drift not checked", spec.display());
        return;
    }
    let names = |files: Vec<PathBuf>| -> Vec<String> {
        files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    let ours = vector_files(&repo_root().join("tests/vectors"));
    let theirs = vector_files(&spec);
    assert_eq!(
        names(ours.clone()),
        names(theirs.clone()),
        "tests/vectors is out of date: run scripts/sync-vectors.sh"
    );
    for (a, b) in ours.iter().zip(&theirs) {
        assert!(
            fs::read(a).unwrap() == fs::read(b).unwrap(),
            "{} differs from the spec: run scripts/sync-vectors.sh",
            a.display()
        );
    }
}
