//! Imported requests as collection TOML (toml_edit): a new file, or the tables that
//! `append` adds to an existing one.

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value, value};

use super::{Body, Imported, PartValue};

/// A new collection holding `requests`, with a first comment saying where it came from.
pub fn render(requests: &[Imported], origin: &str) -> String {
    render_with(requests, &[], &[], origin)
}

/// Variables of one table: name → template text.
pub type Vars = [(String, String)];

/// [`render`] with `[vars]` and `[env.NAME]` tables (values are template text).
pub fn render_with(
    requests: &[Imported],
    vars: &Vars,
    envs: &[(String, Vec<(String, String)>)],
    origin: &str,
) -> String {
    let mut doc = DocumentMut::new();
    let table_of = |vars: &Vars| {
        let mut t = Table::new();
        for (k, v) in vars {
            t.insert(k, value(v));
        }
        t
    };
    if !vars.is_empty() {
        doc.insert("vars", Item::Table(table_of(vars)));
    }
    if !envs.is_empty() {
        let mut env = Table::new();
        env.set_implicit(true);
        for (name, vars) in envs {
            env.insert(name, Item::Table(table_of(vars)));
        }
        doc.insert("env", Item::Table(env));
    }
    let mut array = ArrayOfTables::new();
    for request in requests {
        array.push(table(request));
    }
    doc.insert("requests", Item::ArrayOfTables(array));
    format!("# Imported by `postie import {origin}`.\n\n{doc}")
}

/// One request as a `[[requests]]` table.
pub fn table(r: &Imported) -> Table {
    let mut t = Table::new();
    t.insert("name", value(&r.name));
    t.insert("method", value(&r.method));
    t.insert("url", value(&r.url));
    if !r.headers.is_empty() {
        let mut headers = InlineTable::new();
        for (name, v) in &r.headers {
            match headers.get_mut(name) {
                // A repeated header: joined as one (`a, b`), as HTTP allows.
                Some(before) => {
                    let joined = format!("{}, {v}", before.as_str().unwrap_or_default());
                    *before = Value::from(joined);
                }
                None => {
                    headers.insert(name, v.as_str().into());
                }
            }
        }
        t.insert("headers", value(headers));
    }
    auth(r, &mut t);
    body(&r.body, &mut t);
    if !r.follow_redirects {
        t.insert("follow_redirects", value(false));
    }
    if let Some(n) = r.max_redirects {
        t.insert("max_redirects", value(i64::from(n)));
    }
    if let Some(timeout) = &r.timeout {
        t.insert("timeout", value(timeout));
    }
    if !r.tags.is_empty() {
        t.insert("tags", value(r.tags.iter().collect::<toml_edit::Array>()));
    }
    if let Some(status) = r.expect_status {
        let mut expect = Table::new();
        expect.insert("status", value(i64::from(status)));
        t.insert("expect", Item::Table(expect));
    }
    if !r.captures.is_empty() {
        let mut capture = Table::new();
        for (name, source) in &r.captures {
            capture.insert(name, value(source));
        }
        t.insert("capture", Item::Table(capture));
    }
    if let Some(comment) = &r.comment {
        let text: String = comment.lines().map(|l| format!("# {l}\n")).collect();
        t.decor_mut().set_prefix(format!("\n{text}"));
    }
    t
}

fn auth(r: &Imported, t: &mut Table) {
    let mut auth = InlineTable::new();
    if let Some((username, password)) = &r.basic {
        let mut basic = InlineTable::new();
        basic.insert("username", username.as_str().into());
        basic.insert("password", password.as_str().into());
        auth.insert("basic", Value::InlineTable(basic));
    } else if let Some(token) = &r.bearer {
        auth.insert("bearer", token.as_str().into());
    } else if let Some(oauth2) = &r.oauth2 {
        auth.insert("oauth2", Value::InlineTable(oauth2.inline()));
    } else {
        return;
    }
    t.insert("auth", value(auth));
}

fn body(body: &Body, t: &mut Table) {
    let content_type = match body {
        Body::None => return,
        Body::Text { text, content_type } => {
            t.insert("text", value(text));
            content_type
        }
        Body::File { path, content_type } => {
            t.insert("file", value(path));
            content_type
        }
        Body::Form(fields) => {
            let mut form = InlineTable::new();
            for (k, v) in fields {
                form.insert(k, v.as_str().into());
            }
            t.insert("form", value(form));
            return;
        }
        Body::Graphql(g) => {
            t.insert("graphql", g.item());
            return;
        }
        Body::Multipart(parts) => {
            let mut table = InlineTable::new();
            for part in parts {
                let v: Value = match &part.value {
                    PartValue::Text(text) => text.as_str().into(),
                    PartValue::File {
                        path,
                        file_name,
                        content_type,
                    } => {
                        let mut file = InlineTable::new();
                        file.insert("file", path.as_str().into());
                        if let Some(f) = file_name {
                            file.insert("filename", f.as_str().into());
                        }
                        if let Some(ct) = content_type {
                            file.insert("content_type", ct.as_str().into());
                        }
                        Value::InlineTable(file)
                    }
                };
                table.insert(&part.name, v);
            }
            t.insert("multipart", value(table));
            return;
        }
    };
    if let Some(ct) = content_type {
        t.insert("content_type", value(ct));
    }
}
