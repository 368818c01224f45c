//! Reading `docs/openapi.yaml` for the contract test: its operations, and a small JSON
//! Schema check (the subset the document uses: `$ref`, `type` and type lists, `required`,
//! `properties`, `additionalProperties`, `items`, `enum`).

use serde_json::Value;

/// The document as JSON.
pub fn load() -> Value {
    let path = redshop_testkit::workspace_dir().join("docs/openapi.yaml");
    let text = std::fs::read_to_string(&path).expect("read docs/openapi.yaml");
    serde_yaml::from_str(&text).expect("docs/openapi.yaml is YAML")
}

/// `(METHOD, /path/{template})` of every operation.
pub fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                if item.get(method).is_some() {
                    out.push((method.to_uppercase(), path.clone()));
                }
            }
        }
    }
    out.sort();
    out
}

/// The operation object.
pub fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    &doc["paths"][path][method.to_lowercase()]
}

/// Why `reply` (status, body) does not match the operation, if it does not.
pub fn check(
    doc: &Value,
    method: &str,
    path: &str,
    status: u16,
    body: &Value,
) -> Result<(), String> {
    let op = operation(doc, method, path);
    let responses = op["responses"].as_object().ok_or("no responses")?;
    let documented = responses.get(&status.to_string()).ok_or_else(|| {
        format!(
            "status {status} is not documented (documented: {:?})",
            responses.keys().collect::<Vec<_>>()
        )
    })?;
    let response = resolve(doc, documented);
    match response["content"]["application/json"].get("schema") {
        Some(schema) => validate(doc, schema, body, "$"),
        None if body.is_null() => Ok(()),
        None => Err(format!("status {status} documents no body, got {body}")),
    }
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let mut at = doc;
            for part in r.trim_start_matches("#/").split('/') {
                at = &at[part];
            }
            resolve(doc, at)
        }
        None => v,
    }
}

/// Checks `value` against `schema`; the error names where (`$.items[0].price`).
pub fn validate(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if let Some(types) = schema.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !allowed.iter().any(|t| is_type(value, t)) {
            return Err(format!("{at}: expected {allowed:?}, got {value}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {options:?}"));
    }
    if let Value::Object(map) = value {
        for name in schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !map.contains_key(name) {
                return Err(format!("{at}: `{name}` is missing"));
            }
        }
        let props = schema["properties"].as_object();
        for (k, v) in map {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(doc, s, v, &format!("{at}.{k}"))?,
                None => {
                    if let Some(extra) =
                        schema.get("additionalProperties").filter(|e| e.is_object())
                    {
                        validate(doc, extra, v, &format!("{at}.{k}"))?;
                    }
                }
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(doc, item_schema, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

fn is_type(value: &Value, t: &str) -> bool {
    match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_validator_can_fail() {
        let doc = json!({"components": {"schemas": {"E": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}}}});
        let schema = json!({"$ref": "#/components/schemas/E"});
        assert!(validate(&doc, &schema, &json!({"error": "x"}), "$").is_ok());
        assert!(validate(&doc, &schema, &json!({"message": "x"}), "$").is_err());
        assert!(validate(&doc, &schema, &json!({"error": 1}), "$").is_err());
        let list =
            json!({"type": "array", "items": {"type": ["string", "null"], "enum": ["a", null]}});
        assert!(validate(&doc, &list, &json!(["a", null]), "$").is_ok());
        assert!(validate(&doc, &list, &json!(["b"]), "$").is_err());
    }
}
