//! Tcl values as strings: list elements quoted as Tcl's own `list` command would accept them,
//! lists, dicts, and JSON turned into dicts and lists (objects to dicts, arrays to lists).

/// Quotes one list element: as is when it is plain, in braces when that is safe, else with
/// backslashes. `lindex [list_of(..)] i` gives the element back exactly.
pub fn element(s: &str) -> String {
    if s.is_empty() {
        return "{}".to_string();
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.:/+=,@%!?*<>^~'&|".contains(c);
    if s.chars().all(plain) && !s.starts_with('#') {
        return s.to_string();
    }
    if braces_safe(s) {
        return format!("{{{s}}}");
    }
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if plain(c) || (c as u32) > 127 => out.push(c),
            c => {
                out.push('\\');
                out.push(c);
            }
        }
    }
    out
}

/// Braces quote `s` literally when its braces balance (never closing below zero), it has no
/// backslash and it does not end in one.
fn braces_safe(s: &str) -> bool {
    let mut depth = 0i64;
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            '\\' => return false,
            _ => {}
        }
    }
    depth == 0
}

/// A Tcl list of the given elements.
pub fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| element(s.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Tcl dict from (key, already-formatted value) pairs; the value is quoted as one element.
pub fn dict<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> String {
    list(
        pairs
            .into_iter()
            .flat_map(|(k, v)| [k.as_ref().to_string(), v.as_ref().to_string()]),
    )
}

/// A JSON value as a Tcl value: an object becomes a dict, an array a list, a string itself, a
/// number its JSON text, a boolean 1 or 0, null the empty string.
pub fn from_json(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => (if *b { "1" } else { "0" }).to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => list(a.iter().map(from_json)),
        Value::Object(o) => dict(o.iter().map(|(k, v)| (k.clone(), from_json(v)))),
    }
}

/// A float as Tcl prints it: shortest text that reads back exactly, no exponent for ordinary
/// sizes ("12.6", "0", "-3.25").
pub fn num(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    format!("{x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(element("metal2"), "metal2");
        assert_eq!(element(""), "{}");
        assert_eq!(element("a b"), "{a b}");
        assert_eq!(element("{1 2 3 4}"), "{{1 2 3 4}}");
        assert_eq!(element("a}b"), "a\\}b");
        assert_eq!(element("x\\y"), "x\\\\y");
        assert_eq!(element("#c"), "{#c}");
        assert_eq!(list(["a", "b c", ""]), "a {b c} {}");
        assert_eq!(dict([("k", "v w")]), "k {v w}");
    }

    #[test]
    fn json_to_tcl() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"a":1,"b":[1.5,"x y"],"c":{"d":true},"e":null}"#).unwrap();
        assert_eq!(from_json(&v), "a 1 b {1.5 {x y}} c {d 1} e {}");
    }
}
