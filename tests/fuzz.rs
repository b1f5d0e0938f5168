//! A bounded random test: the shipped collections (`collections/*.toml`) and the bad-input
//! corpus (`tests/corpus/*.toml`) are mutated, structure-aware (parsed as TOML, keys and values
//! deleted, duplicated, renamed, replaced by values of other types, templates inserted) and
//! byte-wise (bits flipped, bytes inserted, ranges deleted or duplicated, truncation), and each
//! mutant goes through what `postie check` and `postie run --dry-run` do with a collection:
//! `collection::parse` (or `load` for bytes that are not UTF-8), the credential scan, a
//! `Resolver` for no environment and for each environment, `resolve` of every request, its
//! `skip_if`, the `expect_webhook` path glob, and `http::Client::prepare`. No case may panic,
//! and none may take longer than 10 s (a hang).
//!
//! Seeded and reproducible: the seed is printed; `POSTIE_FUZZ_SEED=N` replays a run,
//! `POSTIE_FUZZ_CASE=I` runs only case I of it, `POSTIE_FUZZ_CASES=N` changes the number of
//! cases (20,000 by default). A failing case is written to
//! `target/tmp/fuzz-failures/seed-N-case-I.toml`, and the case about to run on each worker is
//! kept in `target/tmp/fuzz-current-W.toml` so that even an abort (a stack overflow) leaves it.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use postie::collection;
use postie::http::{Client, ClientOptions};
use postie::resolve::Resolver;

const DEFAULT_CASES: u64 = 20_000;
/// A case running longer than this is a hang (debug build, on a shared 2-core CI machine; the
/// slowest honest cases take about 2 s there: a 100 KB unknown key and its suggestion).
const HANG: Duration = Duration::from_secs(10);
/// Mutants are cut to this size: growth by duplication is bounded.
const MAX_MUTANT: usize = 1024 * 1024;
const WORKERS: u64 = 2;
/// The stack of postie's main thread, where collections are parsed and resolved.
const STACK: usize = 8 * 1024 * 1024;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// The inputs that get mutated: (file name, bytes).
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for dir in ["collections", "tests/corpus"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("seed directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for path in files {
            let bytes = std::fs::read(&path).expect("seed file");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            seeds.push((name, bytes));
        }
    }
    assert!(seeds.len() > 150, "too few seeds: {}", seeds.len());
    seeds
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not `{v}`"))
    })
}

/// splitmix64: a case's own seed from the run's seed and its index.
fn case_seed(seed: u64, case: u64) -> u64 {
    let mut z = seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// --- mutations -------------------------------------------------------------------------------

/// Keys to splice in: every key the format knows (from the parser itself, so a new key is
/// mutated too), the inner keys of `auth`, `retry`, `sign`, `expect_webhook` and `[secrets]`, and
/// some that are no key at all.
fn key_words() -> &'static [&'static str] {
    static KEYS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys: Vec<&'static str> = postie::collection::known_keys().collect();
        keys.extend([
            "basic",
            "bearer",
            "api_key",
            "username",
            "password",
            "header",
            "value",
            "times",
            "interval",
            "scheme",
            "secret",
            "path",
            "within",
            "command",
            "filename",
            "$.a",
            "$[0]",
            "X-Api-Key",
            "Content-Type",
            "Content-Length",
            "Host",
            "a",
            "b",
            "ab",
            "",
            "ü",
        ]);
        keys.sort_unstable();
        keys.dedup();
        keys
    })
}

const STRINGS: &[&str] = &[
    "",
    "GET",
    "POST",
    "get",
    "PATCH",
    "2xx",
    "5xx",
    "200",
    "{{x}}",
    "{{a}}{{b}}",
    "{{$uuid}}",
    "{{$timestamp}}",
    "{{$random_int}}",
    "{{secret:tok}}",
    "{{env:HOME}}",
    "{{env:POSTIE_FUZZ_UNSET}}",
    "{{inbox}}",
    "{{inbox}}/hooks",
    "{{",
    "}}",
    "{{}}",
    "{{ a }}",
    "json:$.a",
    "json:$..id",
    "json:$[",
    "regex:(a+)",
    "regex:(",
    "header:X-Id",
    "status",
    "$",
    "$.a",
    "$[*]",
    "$..a",
    "$[?@.a > 1]",
    "*",
    "?",
    "/hooks/*",
    "30s",
    "0s",
    "1ms",
    "1h",
    "2m 30s",
    "5",
    "abc",
    "http://127.0.0.1:9/x",
    "http://127.0.0.1:9/{{x}}?q={{y}}",
    "http://[::1]:9/",
    "https://127.0.0.1:1/a?b=c#d",
    "http://user:pw@127.0.0.1:9/",
    "ftp://127.0.0.1/",
    "127.0.0.1:9",
    "//127.0.0.1",
    "http://127.0.0.1:0",
    "\0",
    "\r\n",
    "a\nb",
    "ünï©ødé",
    "%ff%00",
    "..",
    "../x",
    "body.bin",
    "github",
    "stripe",
    "standard",
    "hmac",
    "application/json",
    "text/plain",
    "multipart/form-data; boundary=x",
    "true",
];

fn random_string(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..10) {
        0 => "a".repeat(rng.usize(..5000)),
        1 => {
            let parts: Vec<&str> = (0..rng.usize(1..6))
                .map(|_| STRINGS[rng.usize(..STRINGS.len())])
                .collect();
            parts.concat()
        }
        2 => (0..rng.usize(..20)).map(|_| rng.char(..)).collect(),
        _ => STRINGS[rng.usize(..STRINGS.len())].to_string(),
    }
}

fn random_value(rng: &mut fastrand::Rng, depth: u32) -> toml::Value {
    use toml::Value;
    let pick = if depth > 3 { rng.u8(..6) } else { rng.u8(..9) };
    match pick {
        0 => Value::Integer(
            [
                0,
                1,
                -1,
                2,
                100,
                200,
                404,
                599,
                600,
                10_000,
                10_001,
                65_536,
                i64::MAX,
                i64::MIN,
            ][rng.usize(..14)],
        ),
        1 => Value::Integer(rng.i64(..)),
        2 => Value::Float(
            [
                0.0,
                -0.0,
                0.5,
                1e308,
                -1e308,
                f64::NAN,
                f64::INFINITY,
                200.0,
            ][rng.usize(..8)],
        ),
        3 => Value::Boolean(rng.bool()),
        4 => Value::Datetime("1979-05-27T07:32:00Z".parse().expect("datetime")),
        5 => Value::String(random_string(rng)),
        6 => Value::Array(
            (0..rng.usize(..4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        7 => {
            // An array of tables, like `requests`.
            Value::Array(
                (0..rng.usize(1..3))
                    .map(|_| random_table(rng, depth + 1))
                    .collect(),
            )
        }
        _ => random_table(rng, depth + 1),
    }
}

fn random_table(rng: &mut fastrand::Rng, depth: u32) -> toml::Value {
    let mut table = toml::Table::new();
    for _ in 0..rng.usize(..4) {
        table.insert(
            key_words()[rng.usize(..key_words().len())].to_string(),
            random_value(rng, depth + 1),
        );
    }
    toml::Value::Table(table)
}

/// The number of tables and arrays in `v` (the places a structural mutation can happen).
fn containers(v: &toml::Value) -> usize {
    match v {
        toml::Value::Table(t) => 1 + t.values().map(containers).sum::<usize>(),
        toml::Value::Array(a) => 1 + a.iter().map(containers).sum::<usize>(),
        _ => 0,
    }
}

/// Mutates the `target`-th container of `v` (depth-first); true once done.
fn mutate_at(v: &mut toml::Value, target: &mut usize, rng: &mut fastrand::Rng) -> bool {
    let here = *target == 0;
    *target = target.saturating_sub(1);
    if here {
        mutate_container(v, rng);
        return true;
    }
    match v {
        toml::Value::Table(t) => {
            for (_, child) in t.iter_mut() {
                if mutate_at(child, target, rng) {
                    return true;
                }
            }
        }
        toml::Value::Array(a) => {
            for child in a.iter_mut() {
                if mutate_at(child, target, rng) {
                    return true;
                }
            }
        }
        _ => {}
    }
    false
}

fn mutate_leaf(v: &mut toml::Value, rng: &mut fastrand::Rng) {
    match (rng.u8(..4), &mut *v) {
        // A template or an odd string spliced into a string.
        (0 | 1, toml::Value::String(s)) => {
            let at = rng.usize(..=s.len());
            let at = (0..=at).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
            s.insert_str(at, STRINGS[rng.usize(..STRINGS.len())]);
        }
        // Wrap a value in arrays or tables, deeply.
        (2, _) => {
            let mut wrapped = v.clone();
            for _ in 0..rng.usize(1..40) {
                wrapped = if rng.bool() {
                    toml::Value::Array(vec![wrapped])
                } else {
                    let mut t = toml::Table::new();
                    t.insert(
                        key_words()[rng.usize(..key_words().len())].to_string(),
                        wrapped,
                    );
                    toml::Value::Table(t)
                };
            }
            *v = wrapped;
        }
        // Another type (or another value) in its place.
        _ => *v = random_value(rng, 0),
    }
}

fn mutate_container(v: &mut toml::Value, rng: &mut fastrand::Rng) {
    match v {
        toml::Value::Table(t) => {
            let keys: Vec<String> = t.keys().cloned().collect();
            let key = (!keys.is_empty()).then(|| keys[rng.usize(..keys.len())].clone());
            match (rng.u8(..6), key) {
                (0, Some(key)) => {
                    t.remove(&key);
                }
                (1, Some(key)) => {
                    // Duplicate under another (known) key.
                    let value = t[&key].clone();
                    t.insert(
                        key_words()[rng.usize(..key_words().len())].to_string(),
                        value,
                    );
                }
                (2, Some(key)) => {
                    // Rename.
                    if let Some(value) = t.remove(&key) {
                        let mut name = key;
                        match rng.u8(..3) {
                            0 => name.push('s'),
                            1 => name = key_words()[rng.usize(..key_words().len())].to_string(),
                            _ => name = name.to_uppercase(),
                        }
                        t.insert(name, value);
                    }
                }
                (3 | 4, Some(key)) => {
                    if let Some(child) = t.get_mut(&key) {
                        mutate_leaf(child, rng);
                    }
                }
                _ => {
                    t.insert(
                        key_words()[rng.usize(..key_words().len())].to_string(),
                        random_value(rng, 0),
                    );
                }
            }
        }
        toml::Value::Array(a) => match rng.u8(..5) {
            0 if !a.is_empty() => {
                a.remove(rng.usize(..a.len()));
            }
            1 if !a.is_empty() => {
                // Duplicate an item (two requests with one name, ...), sometimes many times.
                let item = a[rng.usize(..a.len())].clone();
                for _ in 0..if rng.u8(..8) == 0 { 20 } else { 1 } {
                    a.push(item.clone());
                }
            }
            2 if a.len() > 1 => {
                let (i, j) = (rng.usize(..a.len()), rng.usize(..a.len()));
                a.swap(i, j);
            }
            3 if !a.is_empty() => {
                let i = rng.usize(..a.len());
                mutate_leaf(&mut a[i], rng);
            }
            _ => a.push(random_value(rng, 0)),
        },
        _ => mutate_leaf(v, rng),
    }
}

/// Gentle: splice templates and odd strings into some string values, keeping every key, so
/// that a valid collection mostly stays one and its requests reach the resolver.
fn splice_strings(v: &mut toml::Value, rng: &mut fastrand::Rng) {
    match v {
        toml::Value::String(s) if rng.u8(..4) == 0 => {
            let at = rng.usize(..=s.len());
            let at = (0..=at).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
            s.insert_str(at, STRINGS[rng.usize(..STRINGS.len())]);
        }
        toml::Value::Table(t) => t.iter_mut().for_each(|(_, c)| splice_strings(c, rng)),
        toml::Value::Array(a) => a.iter_mut().for_each(|c| splice_strings(c, rng)),
        _ => {}
    }
}

/// Structure-aware: parse as TOML, mutate 1-2 places, print it back.
fn mutate_structure(seed: &[u8], rng: &mut fastrand::Rng) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(seed).ok()?;
    let table: toml::Table = toml::from_str(text).ok()?;
    let mut doc = toml::Value::Table(table);
    if rng.u8(..3) == 0 {
        splice_strings(&mut doc, rng);
    } else {
        for _ in 0..rng.usize(1..3) {
            let n = containers(&doc);
            let mut target = rng.usize(..n.max(1));
            mutate_at(&mut doc, &mut target, rng);
        }
    }
    let toml::Value::Table(table) = doc else {
        return None;
    };
    toml::to_string(&table).ok().map(String::into_bytes)
}

const TOKENS: &[&[u8]] = &[
    b"{{",
    b"}}",
    b"\"",
    b"'",
    b"[",
    b"]",
    b"[[requests]]\n",
    b"=",
    b"\n",
    b"\r",
    b"\0",
    b"\xff",
    b"\xef\xbb\xbf",
    b"'''",
    b"\"\"\"",
    b"#",
    b",",
    b"{",
    b"}",
    b".",
    b"\\",
    b"\\u",
    b"{{x}}",
    b"{{$uuid}}",
    b"9999999999",
    b"-",
    b"$",
    b"*",
    b"(",
    b"\t",
    b"\xc3",
    b"\xe2\x82",
];

/// Byte-wise: 1-4 flips, insertions, deletions, duplications or a truncation.
fn mutate_bytes(seed: &[u8], rng: &mut fastrand::Rng) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..rng.usize(1..5) {
        let len = bytes.len();
        match rng.u8(..7) {
            0 if len > 0 => {
                let i = rng.usize(..len);
                bytes[i] ^= 1 << rng.u8(..8);
            }
            1 => {
                let i = rng.usize(..=len);
                bytes.insert(i, rng.u8(..));
            }
            2 => {
                let i = rng.usize(..=len);
                let token = TOKENS[rng.usize(..TOKENS.len())];
                bytes.splice(i..i, token.iter().copied());
            }
            3 if len > 0 => {
                let i = rng.usize(..len);
                let j = (i + rng.usize(1..64)).min(len);
                bytes.drain(i..j);
            }
            4 if len > 0 => {
                let i = rng.usize(..len);
                let j = (i + rng.usize(1..256)).min(len);
                let copy: Vec<u8> = bytes[i..j].to_vec();
                let at = rng.usize(..=bytes.len());
                bytes.splice(at..at, copy);
            }
            5 if len > 0 && rng.u8(..4) == 0 => bytes.truncate(rng.usize(..len)),
            _ if len > 0 => {
                // Replace a byte by an ASCII digit or letter (numbers grow, keys change).
                let i = rng.usize(..len);
                bytes[i] = if rng.bool() {
                    rng.u8(b'0'..=b'9')
                } else {
                    rng.u8(b'a'..=b'z')
                };
            }
            _ => bytes.extend_from_slice(TOKENS[rng.usize(..TOKENS.len())]),
        }
    }
    bytes
}

/// The seeds, and which of them are valid collections (mutating those reaches the resolver
/// and the HTTP layer; most of the corpus stops at the parser by design).
struct Seeds {
    files: Vec<(String, Vec<u8>)>,
    valid: Vec<usize>,
    small: Vec<usize>,
}

impl Seeds {
    fn new() -> Seeds {
        let files = seeds();
        let valid = (0..files.len())
            .filter(|&i| {
                std::str::from_utf8(&files[i].1).is_ok_and(|text| {
                    collection::parse(Path::new("seed.toml"), text)
                        .is_ok_and(|c| !c.requests.is_empty())
                })
            })
            .collect();
        // The few seeds over 50 KB (long lines, 2,000 requests) are slow to mutate and parse
        // in a debug build: they are picked one time in 20.
        let small = (0..files.len())
            .filter(|&i| files[i].1.len() <= 50_000)
            .collect();
        Seeds {
            files,
            valid,
            small,
        }
    }

    fn pick(&self, rng: &mut fastrand::Rng) -> &(String, Vec<u8>) {
        let index = match rng.u8(..20) {
            0 => rng.usize(..self.files.len()),
            1..=10 => self.valid[rng.usize(..self.valid.len())],
            _ => self.small[rng.usize(..self.small.len())],
        };
        &self.files[index]
    }
}

/// Case `case` of run `seed`: which seed file, and the mutant's bytes.
fn generate(seeds: &Seeds, seed: u64, case: u64) -> (String, Vec<u8>) {
    let mut rng = fastrand::Rng::with_seed(case_seed(seed, case));
    let (name, bytes) = seeds.pick(&mut rng);
    let mutant = match rng.u8(..2) {
        0 => mutate_structure(bytes, &mut rng).unwrap_or_else(|| mutate_bytes(bytes, &mut rng)),
        _ => mutate_bytes(bytes, &mut rng),
    };
    // Sometimes both: a structural change, then bytes.
    let mut mutant = if rng.u8(..6) == 0 {
        mutate_bytes(&mutant, &mut rng)
    } else {
        mutant
    };
    mutant.truncate(MAX_MUTANT);
    (name.clone(), mutant)
}

// --- what postie does with a collection ----------------------------------------------------

/// `check` + `run --dry-run` on `bytes`, minus the printing. Errors are fine; panics are not.
fn exercise(bytes: &[u8], dir: &Path, client: &Client) -> Reached {
    let mut reached = Reached::default();
    let path = dir.join("fuzz.toml");
    let loaded = match std::str::from_utf8(bytes) {
        Ok(text) => collection::parse(&path, text),
        Err(_) => {
            std::fs::write(&path, bytes).expect("write the case");
            collection::load(&path)
        }
    };
    let Ok(collection) = loaded else {
        return reached;
    };
    reached.parsed = 1;
    let _ = collection::credentials::find(&collection);
    let _ = collection.env_names();
    let builtins = [(
        "inbox".to_string(),
        serde_json::Value::String("http://127.0.0.1:0".to_string()),
    )];
    let mut envs: Vec<Option<String>> = vec![None];
    envs.extend(
        collection
            .env_names()
            .into_iter()
            .map(|e| Some(e.to_string())),
    );
    envs.push(Some("no-such-env".to_string()));
    for env in envs.iter().take(4) {
        let Ok(resolver) = Resolver::new(&collection, env.as_deref(), &[], &builtins) else {
            continue;
        };
        for request in &collection.requests {
            let _ = collection.request(&request.name);
            let _ = collection.position(&request.name);
            if let Some(skip_if) = &request.skip_if {
                let _ = resolver.render(&collection, request, skip_if);
            }
            let Ok(resolved) = resolver.resolve(&collection, request) else {
                continue;
            };
            reached.resolved += 1;
            if let Some(webhook) = &resolved.expect_webhook {
                let _ = postie::glob::matches(&webhook.path, "/hooks/github/push");
            }
            if client.prepare(&resolved).is_ok() {
                reached.prepared += 1;
            }
        }
    }
    reached
}

/// How far the cases got: parsed collections, resolved and prepared requests.
#[derive(Debug, Default, Clone, Copy)]
struct Reached {
    parsed: u64,
    resolved: u64,
    prepared: u64,
}

enum Report {
    Start {
        worker: u64,
        case: u64,
    },
    Done {
        case: u64,
        panic: Option<String>,
        reached: Reached,
    },
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

fn write_failure(seed: u64, case: u64, bytes: &[u8]) -> PathBuf {
    let dir = tmp().join("fuzz-failures");
    std::fs::create_dir_all(&dir).expect("failure dir");
    let path = dir.join(format!("seed-{seed}-case-{case}.toml"));
    std::fs::write(&path, bytes).expect("write the failing case");
    path
}

#[test]
fn mutated_collections_never_panic_or_hang() {
    let seed = env_u64("POSTIE_FUZZ_SEED").unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        case_seed(nanos, std::process::id() as u64)
    });
    let only = env_u64("POSTIE_FUZZ_CASE");
    let cases = env_u64("POSTIE_FUZZ_CASES").unwrap_or(DEFAULT_CASES);
    println!("fuzz: seed {seed} (replay with POSTIE_FUZZ_SEED={seed}), {cases} cases");
    eprintln!("fuzz: seed {seed} (replay with POSTIE_FUZZ_SEED={seed}), {cases} cases");
    let seeds = std::sync::Arc::new(Seeds::new());
    println!(
        "fuzz: {} seeds, {} of them valid collections",
        seeds.files.len(),
        seeds.valid.len()
    );
    let list: Vec<u64> = match only {
        Some(case) => vec![case],
        None => (0..cases).collect(),
    };
    let list = std::sync::Arc::new(list);
    let started = Instant::now();
    let (tx, rx) = mpsc::channel::<Report>();
    let mut handles = Vec::new();
    for worker in 0..WORKERS {
        let (tx, seeds, list) = (tx.clone(), seeds.clone(), list.clone());
        let handle = std::thread::Builder::new()
            .name(format!("fuzz-{worker}"))
            .stack_size(STACK)
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                let _enter = runtime.enter();
                let client = Client::new(&ClientOptions::default()).expect("client");
                let dir = tempfile::tempdir().expect("case dir");
                let current = tmp().join(format!("fuzz-current-{worker}.toml"));
                for &case in list.iter().skip(worker as usize).step_by(WORKERS as usize) {
                    let (_, bytes) = generate(&seeds, seed, case);
                    // Left behind if the process dies on this case.
                    let _ = std::fs::write(&current, &bytes);
                    if tx.send(Report::Start { worker, case }).is_err() {
                        return;
                    }
                    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        exercise(&bytes, dir.path(), &client)
                    }));
                    let (reached, panic) = match result {
                        Ok(reached) => (reached, None),
                        Err(p) => (Reached::default(), Some(panic_text(p.as_ref()))),
                    };
                    if tx
                        .send(Report::Done {
                            case,
                            panic,
                            reached,
                        })
                        .is_err()
                    {
                        return;
                    }
                }
                let _ = std::fs::remove_file(&current);
            })
            .expect("spawn worker");
        handles.push(handle);
    }
    drop(tx);
    let mut running: Vec<Option<(u64, Instant)>> = vec![None; WORKERS as usize];
    let mut done = 0u64;
    let mut total = Reached::default();
    let mut slowest = (Duration::ZERO, 0u64);
    let mut failures = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Report::Start { worker, case }) => {
                running[worker as usize] = Some((case, Instant::now()));
            }
            Ok(Report::Done {
                case,
                panic,
                reached,
            }) => {
                done += 1;
                for (c, since) in running.iter().flatten() {
                    if *c == case && since.elapsed() > slowest.0 {
                        slowest = (since.elapsed(), case);
                    }
                }
                total.parsed += reached.parsed;
                total.resolved += reached.resolved;
                total.prepared += reached.prepared;
                for slot in running.iter_mut() {
                    if slot.is_some_and(|(c, _)| c == case) {
                        *slot = None;
                    }
                }
                if let Some(message) = panic {
                    let (from, bytes) = generate(&seeds, seed, case);
                    let file = write_failure(seed, case, &bytes);
                    failures.push(format!(
                        "case {case} (a mutant of {from}) panicked: {message}\n  written to {}\n  replay: POSTIE_FUZZ_SEED={seed} POSTIE_FUZZ_CASE={case}",
                        file.display()
                    ));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        let hung: Vec<u64> = running
            .iter()
            .flatten()
            .filter(|(_, since)| since.elapsed() > HANG)
            .map(|(case, _)| *case)
            .collect();
        if !hung.is_empty() {
            for case in hung {
                let (from, bytes) = generate(&seeds, seed, case);
                let file = write_failure(seed, case, &bytes);
                failures.push(format!(
                    "case {case} (a mutant of {from}) ran over {HANG:?}\n  written to {}\n  replay: POSTIE_FUZZ_SEED={seed} POSTIE_FUZZ_CASE={case}",
                    file.display()
                ));
            }
            // The hung worker cannot be stopped; report without waiting for it.
            panic!("{}", failures.join("\n"));
        }
    }
    for handle in handles {
        handle.join().expect("a worker died outside a case");
    }
    let elapsed = started.elapsed();
    println!(
        "fuzz: {done} cases in {:.1} s ({:.0} per second)",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64()
    );
    println!(
        "fuzz: slowest case {} took {:.2} s",
        slowest.1,
        slowest.0.as_secs_f64()
    );
    println!(
        "fuzz: {} mutants parsed as collections, {} requests resolved, {} prepared",
        total.parsed, total.resolved, total.prepared
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(done, list.len() as u64, "every case ran");
}
