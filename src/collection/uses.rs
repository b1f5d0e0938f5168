//! What a request needs from the requests above it: the ones it `depends_on`, and the ones
//! whose captures it reads (directly, or through the `[vars]`/`[env.*]` definitions it uses).

use std::collections::{BTreeSet, HashMap};

use super::Collection;
use super::model::{RequestSpec, TValue};
use crate::request::Capture;
use crate::template::PlaceholderKind;

/// What the requests of one collection need from each other, indexed once: the
/// `[vars]`/`[env.*]` definitions by name and, per variable, the requests that capture it.
pub struct Needs<'c> {
    collection: &'c Collection,
    definitions: HashMap<&'c str, Vec<&'c TValue>>,
    /// Variable → positions of the requests that capture it, in file order.
    producers: HashMap<&'c str, Vec<usize>>,
}

impl<'c> Needs<'c> {
    pub fn new(collection: &'c Collection) -> Needs<'c> {
        let mut definitions: HashMap<&str, Vec<&TValue>> = HashMap::new();
        let defs = collection
            .vars
            .iter()
            .chain(collection.envs.iter().flat_map(|e| &e.vars));
        for def in defs {
            definitions.entry(&def.name).or_default().push(&def.value);
        }
        let mut producers: HashMap<&str, Vec<usize>> = HashMap::new();
        for (at, r) in collection.requests.iter().enumerate() {
            let webhook = r.expect_webhook.iter().flat_map(|w| &w.captures);
            for c in r.captures.iter().chain(webhook) {
                producers.entry(&c.name).or_default().push(at);
            }
        }
        Needs {
            collection,
            definitions,
            producers,
        }
    }

    /// Every variable `spec` reads when resolved: its own templates, `[defaults]`, and the
    /// variables those name inside `[vars]` or any `[env.NAME]` definition, transitively.
    pub fn variables_used(&self, spec: &RequestSpec) -> BTreeSet<String> {
        let mut used: BTreeSet<String> = BTreeSet::new();
        let mut todo: Vec<String> = spec
            .mentions
            .iter()
            .chain(&self.collection.defaults_mentioned)
            .cloned()
            .collect();
        while let Some(name) = todo.pop() {
            if used.contains(&name) {
                continue;
            }
            for value in self.definitions.get(name.as_str()).into_iter().flatten() {
                names_in(value, &mut todo);
            }
            used.insert(name);
        }
        used
    }

    /// The names of the requests `name` needs to run first: what it `depends_on`, and for
    /// each variable it reads that a request above it captures, the nearest such request.
    /// Not transitive (call it again on each).
    pub fn prerequisites(&self, name: &str) -> Vec<String> {
        let collection = self.collection;
        let Some(&at) = collection.index.get(name) else {
            return Vec::new();
        };
        let spec = &collection.requests[at];
        let mut needed: Vec<String> = spec.depends_on.clone();
        for variable in self.variables_used(spec) {
            let Some(positions) = self.producers.get(variable.as_str()) else {
                continue;
            };
            // The nearest capturing request above this one.
            let before = positions.partition_point(|&p| p < at);
            if let Some(&p) = before.checked_sub(1).and_then(|i| positions.get(i)) {
                let producer = &collection.requests[p].name;
                if !needed.contains(producer) {
                    needed.push(producer.clone());
                }
            }
        }
        needed
    }
}

/// What stands for a captured value where nothing was sent (`show`, `--dry-run`):
/// `<from create-plan json:$.id>`.
pub fn capture_placeholder(request: &str, capture: &Capture) -> String {
    format!("<from {request} {}>", capture.source)
}

impl Collection {
    /// The variables the requests above `name` capture, each with its placeholder, in file
    /// order (set them in order: the nearest capture wins, as in a run).
    pub fn captured_above(&self, name: &str) -> Vec<(String, String)> {
        let at = self.index.get(name).copied().unwrap_or(0);
        let mut found = Vec::new();
        for r in &self.requests[..at] {
            let webhook = r.expect_webhook.iter().flat_map(|w| &w.captures);
            for c in r.captures.iter().chain(webhook) {
                found.push((c.name.clone(), capture_placeholder(&r.name, c)));
            }
        }
        found
    }
}

fn names_in(value: &TValue, into: &mut Vec<String>) {
    match value {
        TValue::String(text) => {
            for p in text.template.placeholders() {
                if let PlaceholderKind::Var(name) = &p.kind {
                    into.push(name.clone());
                }
            }
        }
        TValue::Array(items) => items.iter().for_each(|v| names_in(v, into)),
        TValue::Table(entries) => entries.iter().for_each(|(_, v)| names_in(v, into)),
        TValue::Number(_) | TValue::Bool(_) | TValue::Datetime(_) => {}
    }
}

#[cfg(test)]
mod tests {
    fn collection(source: &str) -> super::Collection {
        super::super::parse(std::path::Path::new("t.toml"), source).unwrap()
    }

    #[test]
    fn prerequisites_are_dependencies_and_the_nearest_capturer_of_each_variable_read() {
        let c = collection(
            r#"
[vars]
path = "/x/{{plan}}"
[defaults]
headers = { X-Trace = "{{trace}}" }
[[requests]]
name = "trace"
url = "http://h/t"
capture = { trace = "header:x-trace" }
[[requests]]
name = "old-plan"
url = "http://h/p"
capture = { plan = "json:$.id" }
[[requests]]
name = "plan"
url = "http://h/p"
capture = { plan = "json:$.id" }
[[requests]]
name = "login"
url = "http://h/l"
[[requests]]
name = "use"
url = "http://h{{path}}"
depends_on = ["login"]
"#,
        );
        let needs = super::Needs::new(&c);
        let mut found = needs.prerequisites("use");
        found.sort();
        assert_eq!(found, vec!["login", "plan", "trace"]);
        // `trace` reads `{{trace}}` from [defaults], but nothing above it captures it.
        assert!(needs.prerequisites("trace").is_empty());
        assert_eq!(needs.prerequisites("plan"), vec!["trace"]);
        assert!(needs.prerequisites("nope").is_empty());
    }
}
