//! Spin's env provider: `SPIN_VARIABLE_<NAME>` in the process environment (or another
//! prefix from `[[variables_provider]]`), then a `.env` file beside the manifest, then the
//! variable's default.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use redshop_spin::manifest::VariableDecl;

/// Where variable values come from, besides defaults.
#[derive(Debug, Clone)]
pub struct EnvProvider {
    prefix: String,
    process: HashMap<String, String>,
    dotenv: HashMap<String, String>,
}

/// A variable could not be given a value.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// A `required` variable has no value from any provider.
    #[error("variable `{0}` is required but has no value: set {1} or add it to .env")]
    MissingRequired(String, String),
    /// The `.env` file exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    DotEnv {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl EnvProvider {
    /// An env provider with `prefix` (default `SPIN_VARIABLE`) and an optional dotenv file
    /// (a missing file counts as empty, as in Spin).
    pub fn new(prefix: Option<&str>, dotenv_path: Option<&Path>) -> Result<Self, ResolveError> {
        let dotenv = match dotenv_path.map(std::fs::read_to_string) {
            None => HashMap::new(),
            Some(Ok(text)) => parse_dotenv(&text),
            Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => HashMap::new(),
            Some(Err(source)) => {
                let path = dotenv_path.map(Path::to_owned).unwrap_or_default();
                return Err(ResolveError::DotEnv { path, source });
            }
        };
        Ok(Self {
            prefix: prefix.unwrap_or("SPIN_VARIABLE").to_owned(),
            process: std::env::vars().collect(),
            dotenv,
        })
    }

    /// The environment key that holds variable `name`.
    pub fn key(&self, name: &str) -> String {
        format!("{}_{}", self.prefix, name.to_ascii_uppercase())
    }

    /// The value for `name`, process environment first, then `.env`.
    pub fn get(&self, name: &str) -> Option<String> {
        let key = self.key(name);
        self.process
            .get(&key)
            .or_else(|| self.dotenv.get(&key))
            .cloned()
    }
}

/// Resolve every application variable that has a value. A `required` one without a value
/// is an error naming it; an optional one without default or value stays unset.
pub fn resolve_application(
    decls: &BTreeMap<String, VariableDecl>,
    providers: &[EnvProvider],
) -> Result<HashMap<String, String>, ResolveError> {
    let mut values = HashMap::new();
    for (name, decl) in decls {
        match providers
            .iter()
            .find_map(|p| p.get(name))
            .or_else(|| decl.default.clone())
        {
            Some(value) => {
                values.insert(name.clone(), value);
            }
            None if decl.required => {
                let key = providers.last().map(|p| p.key(name)).unwrap_or_default();
                return Err(ResolveError::MissingRequired(name.clone(), key));
            }
            None => {}
        }
    }
    Ok(values)
}

/// `KEY=VALUE` lines; `#` comments, blank lines, an optional `export ` and matching
/// quotes around the value are accepted, as dotenv files usually have them.
fn parse_dotenv(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (key, value) = line.split_once('=')?;
            let value = value.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
                .unwrap_or(value);
            Some((key.trim().to_owned(), unquoted.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(process: &[(&str, &str)], dotenv: &str) -> EnvProvider {
        EnvProvider {
            prefix: "SPIN_VARIABLE".into(),
            process: process
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            dotenv: parse_dotenv(dotenv),
        }
    }

    fn decl(default: Option<&str>, required: bool) -> VariableDecl {
        VariableDecl {
            default: default.map(str::to_owned),
            required,
            secret: false,
            description: None,
        }
    }

    #[test]
    fn process_environment_beats_dotenv_and_default() {
        let p = provider(
            &[("SPIN_VARIABLE_API_URL", "from-env")],
            "SPIN_VARIABLE_API_URL=from-file\n",
        );
        let decls = BTreeMap::from([("api_url".to_owned(), decl(Some("default"), false))]);
        let values = resolve_application(&decls, std::slice::from_ref(&p)).expect("resolves");
        assert_eq!(values["api_url"], "from-env");
    }

    #[test]
    fn dotenv_beats_default() {
        let p = provider(
            &[],
            "# comment\nexport SPIN_VARIABLE_API_URL=\"from-file\"\n",
        );
        let decls = BTreeMap::from([("api_url".to_owned(), decl(Some("default"), false))]);
        assert_eq!(
            resolve_application(&decls, std::slice::from_ref(&p)).expect("resolves")["api_url"],
            "from-file"
        );
    }

    #[test]
    fn missing_required_variable_names_it_and_its_key() {
        let p = provider(&[], "");
        let decls = BTreeMap::from([("db_password".to_owned(), decl(None, true))]);
        let err = resolve_application(&decls, std::slice::from_ref(&p)).expect_err("must fail");
        assert_eq!(
            err.to_string(),
            "variable `db_password` is required but has no value: set SPIN_VARIABLE_DB_PASSWORD or add it to .env"
        );
    }

    #[test]
    fn optional_variable_without_value_stays_unset() {
        let p = provider(&[], "");
        let decls = BTreeMap::from([("x".to_owned(), decl(None, false))]);
        assert!(
            resolve_application(&decls, std::slice::from_ref(&p))
                .expect("resolves")
                .is_empty()
        );
    }
}
