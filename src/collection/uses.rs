//! What a request needs from the requests above it: the ones it `depends_on`, and the ones
//! whose captures it reads (directly, or through the `[vars]`/`[env.*]` definitions it uses).

use std::collections::BTreeSet;

use super::Collection;
use super::model::{RequestSpec, TValue};
use crate::template::PlaceholderKind;

impl Collection {
    /// Every variable `spec` reads when resolved: its own templates, `[defaults]`, and the
    /// variables those name inside `[vars]` or any `[env.NAME]` definition, transitively.
    pub fn variables_used(&self, spec: &RequestSpec) -> BTreeSet<String> {
        let mut used: BTreeSet<String> = BTreeSet::new();
        let mut todo: Vec<String> = spec
            .mentions
            .iter()
            .chain(&self.defaults_mentioned)
            .cloned()
            .collect();
        while let Some(name) = todo.pop() {
            if !used.insert(name.clone()) {
                continue;
            }
            let definitions = self
                .vars
                .iter()
                .chain(self.envs.iter().flat_map(|e| &e.vars))
                .filter(|d| d.name == name);
            for def in definitions {
                names_in(&def.value, &mut todo);
            }
        }
        used
    }

    /// The names of the requests `name` needs to run first, nearest first: what it
    /// `depends_on`, and for each variable it reads that a request above it captures, the
    /// nearest such request. Not transitive (call it again on each).
    pub fn prerequisites(&self, name: &str) -> Vec<String> {
        let Some(&at) = self.index.get(name) else {
            return Vec::new();
        };
        let spec = &self.requests[at];
        let mut needed: Vec<String> = spec.depends_on.clone();
        for variable in self.variables_used(spec) {
            let producer = self.requests[..at].iter().rev().find(|r| {
                let webhook = r.expect_webhook.iter().flat_map(|w| &w.captures);
                r.captures.iter().chain(webhook).any(|c| c.name == variable)
            });
            if let Some(producer) = producer
                && !needed.contains(&producer.name)
            {
                needed.push(producer.name.clone());
            }
        }
        needed
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
        let mut found = c.prerequisites("use");
        found.sort();
        assert_eq!(found, vec!["login", "plan", "trace"]);
        // `trace` reads `{{trace}}` from [defaults], but nothing above it captures it.
        assert!(c.prerequisites("trace").is_empty());
        assert_eq!(c.prerequisites("plan"), vec!["trace"]);
        assert!(c.prerequisites("nope").is_empty());
    }
}
